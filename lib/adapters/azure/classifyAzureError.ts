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
