import { type LogsQueryClient, LogsQueryResultStatus, type LogsTable } from "@azure/monitor-query-logs";

import { QueryError } from "../errors.js";
import type { QueryOptions, WorkspaceQuery } from "../job/ports.js";
import { codeOf, isTransientAzureError, statusOf } from "./classifyAzureError.js";

/**
 * `WorkspaceQuery` over `LogsQueryClient`. The SDK retries throttling and server errors itself (see
 * `createLogsQueryClient`); this adapter turns what is left into `QueryError`s that say which query failed and
 * why, and refuses partial results: a partial table would silently lose rows, so the window fails instead.
 */
export class LogAnalyticsWorkspace implements WorkspaceQuery {
  constructor(
    private readonly client: LogsQueryClient,
    private readonly workspaceId: string,
  ) {}

  async query(kql: string, options: QueryOptions): Promise<Record<string, unknown>[]> {
    let result;
    try {
      result = await this.client.queryWorkspace(
        this.workspaceId,
        kql,
        { startTime: new Date(options.timespan.start), endTime: new Date(options.timespan.end) },
        // queryWorkspace 1.0.0 ignores `abortSignal`; the per-request timeout is what bounds the wait.
        {
          serverTimeoutInSeconds: options.serverTimeoutSeconds,
          requestOptions: { timeout: options.clientTimeoutMs },
        },
      );
    } catch (error) {
      const status = statusOf(error);
      const code = codeOf(error);
      const detail = [status, code].filter((part) => part !== undefined).join(" ");
      throw new QueryError(
        `The ${options.name} query failed${detail === "" ? "" : ` (${detail})`}: ${messageOf(error)}`,
        options.name,
        isTransientAzureError(error),
        { cause: error },
      );
    }
    if (result.status === LogsQueryResultStatus.PartialFailure) {
      const error = result.partialError;
      const details = describeDetails(error);
      throw new QueryError(
        `The ${options.name} query returned a partial result (${error.code}: ${error.message}${details}); ` +
          "the window is not processed so that no row is lost",
        options.name,
        true,
        { cause: error },
      );
    }
    const [table] = result.tables;
    return table === undefined ? [] : toObjects(table);
  }
}

function toObjects(table: LogsTable): Record<string, unknown>[] {
  const names = table.columnDescriptors.map((column, i) => column.name ?? `Column${i}`);
  return table.rows.map((row) => {
    const record: Record<string, unknown> = {};
    names.forEach((name, i) => (record[name] = row[i]));
    return record;
  });
}

function describeDetails(error: { details?: { code?: string; message?: string }[] }): string {
  const details = (error.details ?? []).map((detail) =>
    `${detail.code ?? ""} ${detail.message ?? ""}`.trim(),
  );
  return details.length === 0 ? "" : `; ${details.join("; ")}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
