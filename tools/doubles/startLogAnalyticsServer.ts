import type { IncomingMessage, ServerResponse } from "node:http";

import { encodeLogAnalyticsTable, type LogAnalyticsAnswer } from "./encodeLogAnalyticsTable.js";
import { FaultQueue } from "./FaultQueue.js";
import { bearerTokenOf, flattenHeaders, readRequestBody, sendJson, waitFor } from "./httpExchange.js";
import { LOG_ANALYTICS_ERRORS } from "./logAnalyticsErrors.js";
import type { LogAnalyticsFault } from "./LogAnalyticsFault.js";
import { type LogAnalyticsQueryRequest, parseLogAnalyticsQuery } from "./LogAnalyticsQueryRequest.js";
import { makeTestCertificate, type TestCertificate } from "./makeTestCertificate.js";
import { type SdkTlsOptions, sdkTlsOptions } from "./sdkTlsOptions.js";
import { startTestHttpsServer } from "./startTestHttpsServer.js";
import { TEST_BEARER_TOKEN } from "./staticTokenCredential.js";

export type { LogAnalyticsQueryRequest } from "./LogAnalyticsQueryRequest.js";

/** A received query and how the double answered it (`status` is undefined for a dropped connection). */
export interface RecordedLogAnalyticsQuery extends LogAnalyticsQueryRequest {
  status: number | undefined;
  fault: LogAnalyticsFault["kind"] | undefined;
}

/** A test's stand-in for the workspace: the rows a query returns. Throwing answers 400 as a semantic error. */
export type AnswerLogAnalyticsQuery = (
  request: LogAnalyticsQueryRequest,
) => LogAnalyticsAnswer | Promise<LogAnalyticsAnswer>;

/** Options of {@link startLogAnalyticsServer}. */
export interface LogAnalyticsServerOptions {
  /** Answers every query that no fault intercepts (default: an empty table). */
  readonly answer?: AnswerLogAnalyticsQuery;
  /** Bearer token to accept (default `TEST_BEARER_TOKEN`); others get 403. */
  readonly token?: string;
  /** Workspaces the caller may query; others get 403 `InsufficientAccessError` (default: any). */
  readonly workspaceIds?: readonly string[];
  readonly certificate?: TestCertificate;
}

/** A running Log Analytics query double. */
export interface LogAnalyticsServer {
  /** `https://127.0.0.1:<port>`. */
  readonly url: string;
  /** `${url}/v1`: the `endpoint` option of `LogsQueryClient` (the SDK appends `/workspaces/{id}/query`). */
  readonly endpoint: string;
  /** Spread into `LogsQueryClient` options: `endpoint` and the TLS trust of the test certificate. */
  readonly clientOptions: SdkTlsOptions & { readonly endpoint: string };
  readonly certificate: TestCertificate;
  /** Every query received on `/v1/workspaces/{id}/query`, in arrival order, retries included. */
  readonly requests: readonly RecordedLogAnalyticsQuery[];
  /** Faults for the next matching requests. */
  readonly faults: FaultQueue<LogAnalyticsQueryRequest, LogAnalyticsFault>;
  /** Replaces the handler. */
  answerWith(answer: AnswerLogAnalyticsQuery): void;
  close(): Promise<void>;
}

const QUERY_PATH = /^\/v1\/workspaces\/([^/]+)\/query$/;
/** The service's own limit when the client sends no `Prefer: wait`. */
const DEFAULT_WAIT_SECONDS = 180;

/**
 * Starts an HTTPS double of the Log Analytics query API (`POST /v1/workspaces/{workspaceId}/query`, JSON body
 * `{ query, timespan?, workspaces? }`), the way `LogsQueryClient.queryWorkspace` of `@azure/monitor-query-logs`
 * calls it. It answers `{ tables: [{ name: "PrimaryResult", columns, rows }] }` from the test's handler, checks
 * the bearer token, records each request, and injects the queued faults.
 */
export async function startLogAnalyticsServer(
  options: LogAnalyticsServerOptions = {},
): Promise<LogAnalyticsServer> {
  const certificate = options.certificate ?? (await makeTestCertificate());
  const token = options.token ?? TEST_BEARER_TOKEN;
  const requests: RecordedLogAnalyticsQuery[] = [];
  const faults = new FaultQueue<LogAnalyticsQueryRequest, LogAnalyticsFault>();
  let answer: AnswerLogAnalyticsQuery = options.answer ?? (() => ({ columns: [], rows: [] }));

  const handle = async (
    request: IncomingMessage,
    response: ServerResponse,
    signal: AbortSignal,
  ): Promise<void> => {
    const path = new URL(request.url ?? "/", "https://double").pathname;
    const workspaceMatch = QUERY_PATH.exec(path);
    if (request.method !== "POST" || workspaceMatch?.[1] === undefined) {
      sendJson(response, 404, { error: LOG_ANALYTICS_ERRORS.notFound(path) });
      return;
    }
    const query = parseLogAnalyticsQuery(
      decodeURIComponent(workspaceMatch[1]),
      await readRequestBody(request),
      flattenHeaders(request.headers),
    );
    const { prefer } = query;
    const recorded: RecordedLogAnalyticsQuery = { ...query, status: undefined, fault: undefined };
    requests.push(recorded);
    const reply = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
      recorded.status = status;
      sendJson(response, status, payload, headers);
    };

    const presented = bearerTokenOf(request.headers);
    if (presented === undefined) {
      reply(401, { error: LOG_ANALYTICS_ERRORS.unauthenticated() });
      return;
    }
    if (presented !== token) {
      reply(403, { error: LOG_ANALYTICS_ERRORS.invalidToken() });
      return;
    }
    if (options.workspaceIds !== undefined && !options.workspaceIds.includes(query.workspaceId)) {
      reply(403, { error: LOG_ANALYTICS_ERRORS.noAccess() });
      return;
    }
    if (query.query === "") {
      reply(400, { error: LOG_ANALYTICS_ERRORS.badRequest() });
      return;
    }

    const fault = faults.take(query);
    recorded.fault = fault?.kind;
    if (fault?.delayMs !== undefined) {
      await waitFor(fault.delayMs, signal);
    }
    switch (fault?.kind) {
      case "drop":
        response.destroy();
        return;
      case "throttled":
        reply(
          429,
          { error: fault.error ?? LOG_ANALYTICS_ERRORS.throttled() },
          retryAfter(fault.retryAfterSeconds),
        );
        return;
      case "serverError":
        reply(
          fault.status,
          { error: fault.error ?? LOG_ANALYTICS_ERRORS.serverError(fault.status) },
          retryAfter(fault.retryAfterSeconds),
        );
        return;
      case "badRequest":
        reply(400, { error: fault.error ?? LOG_ANALYTICS_ERRORS.badRequest() });
        return;
      case "gatewayTimeout": {
        const waitSeconds = query.preferWait ?? DEFAULT_WAIT_SECONDS;
        await waitFor(waitSeconds * 1000, signal);
        reply(504, { error: LOG_ANALYTICS_ERRORS.gatewayTimeout(waitSeconds) });
        return;
      }
      case "slow":
      case "partial":
      case undefined:
        break;
    }

    let table;
    try {
      table = encodeLogAnalyticsTable(await answer(query));
    } catch (error) {
      reply(400, {
        error: LOG_ANALYTICS_ERRORS.semantic(error instanceof Error ? error.message : String(error)),
      });
      return;
    }
    const payload: Record<string, unknown> = { tables: [table] };
    if (fault?.kind === "partial") {
      payload.tables = [{ ...table, rows: table.rows.slice(0, fault.keepRows ?? table.rows.length) }];
      payload.error = fault.error ?? LOG_ANALYTICS_ERRORS.partial();
    }
    if (/include-statistics=true/i.test(prefer ?? "")) {
      payload.statistics = {
        query: { executionTime: 0.01, resourceUsage: { cache: {}, cpu: {}, memory: {} } },
      };
    }
    reply(200, payload);
  };

  const server = await startTestHttpsServer(certificate, handle);
  const endpoint = `${server.url}/v1`;
  return {
    url: server.url,
    endpoint,
    clientOptions: { endpoint, ...sdkTlsOptions(certificate) },
    certificate,
    requests,
    faults,
    answerWith(next) {
      answer = next;
    },
    close: () => server.close(),
  };
}

function retryAfter(seconds: number | undefined): Record<string, string> {
  return seconds === undefined ? {} : { "retry-after": String(seconds) };
}
