import type { IngestionErrorInfo } from "./IngestionFault.js";

const DEFAULT_CODES: Readonly<Record<number, string>> = {
  400: "InvalidRequest",
  401: "AuthenticationFailed",
  403: "Forbidden",
  404: "NotFound",
  413: "ContentLengthLimitExceeded",
  429: "TooManyRequests",
  500: "InternalServerError",
  502: "BadGateway",
  503: "ServiceUnavailable",
  504: "GatewayTimeout",
};

/**
 * The error object the ingestion double answers a status with when the test gives none. The shape is the one the
 * service's REST specification declares (`{ error: { code, message } }` and `x-ms-error-code`); the codes are
 * plausible service codes, not a promise of the service's exact wording, so tests should branch on status.
 */
export function ingestionError(status: number, message: string): IngestionErrorInfo {
  return { code: DEFAULT_CODES[status] ?? "Error", message };
}
