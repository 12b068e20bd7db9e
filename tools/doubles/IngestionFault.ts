/**
 * An error object as the Logs Ingestion API declares it (Azure.Core `ErrorResponse.error`: `code`, `message`,
 * optional `target`, `details`, `innererror`); the service also sends the code in the `x-ms-error-code` header.
 */
export interface IngestionErrorInfo {
  readonly code: string;
  readonly message: string;
  readonly target?: string;
  readonly details?: readonly IngestionErrorInfo[];
  readonly innererror?: { readonly code?: string; readonly innererror?: unknown };
}

/**
 * What the Logs Ingestion double does to one upload request instead of accepting it. Every fault may also carry
 * `delayMs`, a wait before the fault is applied.
 *
 * - `reject`: the status with an error body; the chunk's rows are not stored. The SDK does not retry 4xx (but
 *   429), and retries 5xx (but 501/505) with backoff.
 * - `throttled`: HTTP 429 with `Retry-After: retryAfterSeconds`.
 * - `slow`: accepts the chunk, `delayMs` late.
 * - `drop`: destroys the connection without an answer; the rows are not stored.
 * - `lostAnswer`: stores the rows, then destroys the connection before answering (a reset after the service wrote
 *   the chunk): the SDK retries, and the service stores them again.
 */
export type IngestionFault = (
  | {
      readonly kind: "reject";
      readonly status: 400 | 401 | 403 | 404 | 413 | 500 | 502 | 503 | 504;
      readonly error?: IngestionErrorInfo;
      readonly retryAfterSeconds?: number;
    }
  | { readonly kind: "throttled"; readonly retryAfterSeconds: number; readonly error?: IngestionErrorInfo }
  | { readonly kind: "slow"; readonly delayMs: number }
  | { readonly kind: "drop" }
  | { readonly kind: "lostAnswer" }
) & { readonly delayMs?: number };
