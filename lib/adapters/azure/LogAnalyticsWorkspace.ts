import { randomUUID } from "node:crypto";

import { type LogsQueryClient, LogsQueryResultStatus, type LogsTable } from "@azure/monitor-query-logs";

import { QueryError } from "../../core/errors.js";
import type { QueryOptions, WorkspaceQuery } from "../../job/ports.js";
import { classifyQueryFailure, codeOf, saysTooLarge, statusOf } from "./classifyAzureError.js";
import { QUERY_ID_HEADER, RawAnswerCapture } from "./RawAnswerCapture.js";

/**
 * `WorkspaceQuery` over `LogsQueryClient`. The SDK retries throttling and server errors itself (see
 * `createJobDeps`); this adapter turns what is left into `QueryError`s that say which query failed and why, and
 * refuses partial results: a partial table would silently lose rows, so the window fails instead.
 *
 * `attempts` is how many times the SDK may send one query (its `maxRetries` + 1). The SDK retries a 504, which is
 * how the service ends a query that ran past its server timeout, so each attempt gets an equal share of the
 * query's timeout: a query slower than its timeout then fails within that timeout, instead of `attempts` times
 * over it (which ran past the run's budget and the function timeout). And the whole call, retries and their
 * back-off included, is aborted at `clientTimeoutMs` (docs/design.md §6.6): `queryWorkspace` 1.0.0 drops an
 * `abortSignal` option, so a pipeline policy puts the signal on each request of the call.
 */
export class LogAnalyticsWorkspace implements WorkspaceQuery {
  private readonly answers = new RawAnswerCapture();
  private readonly signals = new Map<string, AbortSignal>();

  constructor(
    private readonly client: LogsQueryClient,
    private readonly workspaceId: string,
    private readonly attempts = 1,
  ) {
    client.pipeline.addPolicy(this.answers.policy);
    // Before the retry policy (no phase), which stops retrying and waiting once the request's signal is aborted.
    client.pipeline.addPolicy({
      name: "enrichQueryDeadline",
      sendRequest: (request, next) => {
        const signal = this.signals.get(request.headers.get(QUERY_ID_HEADER) ?? "");
        if (signal !== undefined) request.abortSignal = signal;
        return next(request);
      },
    });
  }

  async query(kql: string, options: QueryOptions): Promise<Record<string, unknown>[]> {
    const attempts = Math.max(1, Math.floor(this.attempts));
    const serverTimeoutInSeconds = Math.max(1, Math.floor(options.serverTimeoutSeconds / attempts));
    // The client waits for the server's share plus the margin the caller allowed over the whole timeout.
    const marginMs = Math.max(0, options.clientTimeoutMs - options.serverTimeoutSeconds * 1000);
    const id = randomUUID();
    this.signals.set(id, AbortSignal.timeout(Math.max(1, options.clientTimeoutMs)));
    let result;
    try {
      result = await this.client.queryWorkspace(
        this.workspaceId,
        kql,
        { startTime: new Date(options.timespan.start), endTime: new Date(options.timespan.end) },
        // queryWorkspace 1.0.0 ignores `abortSignal`; the per-request timeout is what bounds the wait.
        {
          serverTimeoutInSeconds,
          requestOptions: {
            timeout: serverTimeoutInSeconds * 1000 + marginMs,
            headers: { [QUERY_ID_HEADER]: id },
          },
        },
      );
    } catch (error) {
      this.answers.forget(id);
      this.signals.delete(id);
      const status = statusOf(error);
      const code = codeOf(error);
      const detail = [status, code].filter((part) => part !== undefined).join(" ");
      const message = `The ${options.name} query failed${detail === "" ? "" : ` (${detail})`}: ${messageOf(error)}`;
      throw new QueryError(message, options.name, classifyQueryFailure(error, message), { cause: error });
    }
    this.signals.delete(id);
    if (result.status === LogsQueryResultStatus.PartialFailure) {
      const error = result.partialError;
      // The raw error keeps what the SDK's copy drops (see RawAnswerCapture).
      const raw = this.answers.takeError(id);
      const details = describeDetails(isServiceError(raw) ? raw : error);
      const words = `${error.code}: ${error.message}${details}`;
      throw new QueryError(
        `The ${options.name} query returned a partial result (${words}); ` +
          "the window is not processed so that no row is lost",
        options.name,
        saysTooLarge(words) ? "tooLarge" : "partial",
        { cause: error },
      );
    }
    this.answers.forget(id);
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

interface ServiceError {
  code?: string;
  message?: string;
  details?: ServiceError[];
  innererror?: ServiceError;
}

/**
 * The codes and messages nested in a service error (`details[]` and `innererror`, a few levels deep). The reason a
 * partial result is partial is usually only there: "Query result set has exceeded the internal record count limit
 * 500000 (E_QUERY_RESULT_SET_TOO_LARGE)" sits in `details[0].innererror`, and `saysTooLarge` needs to see it so that
 * `queryInBatches` splits the query instead of failing the window on every run.
 */
function describeDetails(error: ServiceError): string {
  const parts: string[] = [];
  const visit = (node: ServiceError | undefined, depth: number): void => {
    if (node === undefined || node === null || depth > 4) return;
    const text = `${node.code ?? ""} ${node.message ?? ""}`.trim();
    if (depth > 0 && text !== "" && !parts.includes(text)) parts.push(text);
    for (const detail of Array.isArray(node.details) ? node.details : []) visit(detail, depth + 1);
    visit(node.innererror, depth + 1);
  };
  visit(error, 0);
  return parts.length === 0 ? "" : `; ${parts.join("; ")}`;
}

function isServiceError(value: unknown): value is ServiceError {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
