import type { QueryFailure } from "../../core/errors.js";

/**
 * Whether a failed Azure call may succeed if tried again later: throttling (429), timeouts (408) and server errors
 * (5xx) are transient, as are network failures without a status; other 4xx answers (bad query, no access) are not.
 */
export function isTransientAzureError(error: unknown): boolean {
  const status = statusOf(error);
  if (status === undefined) return !isAbort(error);
  return status === 408 || status === 429 || status >= 500;
}

/** The HTTP status an Azure SDK error carries (`statusCode` in core-rest-pipeline's RestError), if any. */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const value = (error as { statusCode?: unknown }).statusCode;
  return typeof value === "number" ? value : undefined;
}

/** The service's error code (`code` on RestError, e.g. `BadArgumentError`), if any. */
export function codeOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const value = (error as { code?: unknown }).code;
  return typeof value === "string" ? value : undefined;
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError");
}

// How Log Analytics says an answer went over its limits (500,000 records, ~100 MB): "Query result set has
// exceeded the internal record count limit … (E_QUERY_RESULT_SET_TOO_LARGE)", in a partial error's code, message
// or details, or "ResponsePayloadTooLarge" for a whole answer.
const TOO_LARGE =
  /E_QUERY_RESULT_SET_TOO_LARGE|ResponsePayloadTooLarge|result set (is )?too large|result set has exceeded|exceeds? the maximum/i;

/** Whether the service's words (codes and messages, joined) say that the answer was too large. */
export function saysTooLarge(text: string): boolean {
  return TOO_LARGE.test(text);
}

/**
 * Why a query call that threw failed: too large an answer (a smaller query can succeed), the time it was given
 * (the service's 504 GatewayTimeout, or the client's own timeout), throttling or an unavailable service (retry
 * later), or a refusal (bad query, no access) that no retry will change.
 */
export function classifyQueryFailure(error: unknown, text: string): QueryFailure {
  if (saysTooLarge(text)) return "tooLarge";
  if (statusOf(error) === 504 || isAbort(error)) return "timeout";
  return isTransientAzureError(error) ? "unavailable" : "refused";
}
