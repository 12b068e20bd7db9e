/**
 * An error object as the Log Analytics query API sends it (`{ code, message, details?, innererror? }`, plus any
 * service-specific field such as `correlationId`, `severity` or `line`).
 */
export interface LogAnalyticsErrorInfo {
  readonly code: string;
  readonly message: string;
  readonly details?: readonly LogAnalyticsErrorInfo[];
  readonly innererror?: LogAnalyticsErrorInfo;
  readonly [field: string]: unknown;
}

/**
 * What the Log Analytics double does to one request instead of (or before) answering it normally. Every fault may
 * also carry `delayMs`, a wait before the fault is applied.
 *
 * - `partial`: HTTP 200 with the handler's table (optionally cut to `keepRows` rows) and an `error` beside it, the
 *   way the service reports a non-fatal error; the SDK turns it into `status: "PartialFailure"`.
 * - `throttled`: HTTP 429 with `Retry-After: retryAfterSeconds`.
 * - `serverError`: HTTP 500/502/503/504 with an error body (and `Retry-After` if given).
 * - `badRequest`: HTTP 400 `BadArgumentError`, e.g. a KQL syntax or semantic error.
 * - `slow`: the normal answer, `delayMs` late (past an abort signal or a client timeout).
 * - `gatewayTimeout`: waits the request's `Prefer: wait=N` seconds (180 when absent, as the service), then HTTP 504
 *   `GatewayTimeout`, which is how the service ends a query that runs past its server timeout.
 * - `drop`: destroys the connection without an answer (the SDK sees `ECONNRESET` and retries it).
 */
export type LogAnalyticsFault = (
  | { readonly kind: "partial"; readonly error?: LogAnalyticsErrorInfo; readonly keepRows?: number }
  | { readonly kind: "throttled"; readonly retryAfterSeconds: number; readonly error?: LogAnalyticsErrorInfo }
  | {
      readonly kind: "serverError";
      readonly status: 500 | 502 | 503 | 504;
      readonly retryAfterSeconds?: number;
      readonly error?: LogAnalyticsErrorInfo;
    }
  | { readonly kind: "badRequest"; readonly error?: LogAnalyticsErrorInfo }
  | { readonly kind: "slow"; readonly delayMs: number }
  | { readonly kind: "gatewayTimeout" }
  | { readonly kind: "drop" }
) & { readonly delayMs?: number };
