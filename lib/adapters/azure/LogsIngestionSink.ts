import { isAggregateLogsUploadError, type LogsIngestionClient } from "@azure/monitor-ingestion";

import { IngestionError } from "../../core/errors.js";
import type { EnrichmentRecord } from "../../core/records/EnrichmentRecord.js";
import type { FailedUpload, IngestionSink } from "../../job/ports.js";
import { toIngestionRow } from "./toIngestionRow.js";

/**
 * The custom table `WebShellEnrichment_CL` through the Logs Ingestion API (DCR stream). The SDK gzips, splits into
 * ~1 MB chunks and sends them concurrently; chunks that succeed stay written. When some fail it throws an
 * `AggregateLogsUploadError` whose message says little: the failed chunks' rows and causes are read from it, so the
 * job knows exactly which records to keep pending. The upload is aborted after `timeoutMs` (the run's deadline):
 * chunks not answered by then fail with that reason, though the service may have stored them.
 */
export class LogsIngestionSink implements IngestionSink {
  constructor(
    private readonly client: LogsIngestionClient,
    private readonly ruleId: string,
    private readonly stream: string,
    private readonly maxConcurrency = 5,
  ) {}

  async upload(
    records: readonly EnrichmentRecord[],
    options: { timeoutMs: number },
  ): Promise<{ failed: FailedUpload[] }> {
    if (records.length === 0) return { failed: [] };
    const abortSignal = AbortSignal.timeout(options.timeoutMs);
    try {
      await this.client.upload(this.ruleId, this.stream, records.map(toIngestionRow), {
        maxConcurrency: this.maxConcurrency,
        abortSignal,
      });
      return { failed: [] };
    } catch (error) {
      const timedOut = `aborted after ${options.timeoutMs} ms: the run's time budget ran out during the upload`;
      if (!isAggregateLogsUploadError(error)) {
        // The SDK stops starting chunks once aborted: none of these records is known to be written.
        if (abortSignal.aborted) return { failed: [{ recordIds: records.map(idOf), reason: timedOut }] };
        throw new IngestionError(`Upload to ${this.stream} failed: ${String(error)}`, records.map(idOf), {
          cause: error,
        });
      }
      return {
        failed: error.errors.map((failure) => ({
          recordIds: failure.failedLogs.map((row) => String(row.RecordId)),
          reason: failure.cause.name === "AbortError" ? timedOut : describeCause(failure.cause),
        })),
      };
    }
  }
}

function idOf(record: EnrichmentRecord): string {
  return record.RecordId;
}

function describeCause(cause: Error): string {
  const status = (cause as { statusCode?: unknown }).statusCode;
  return `${typeof status === "number" ? `${status} ` : ""}${cause.message}`;
}
