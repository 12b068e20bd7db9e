import { TableStoreError, toError } from "../../../core/errors.js";
import { codeOf, isTransientAzureError, statusOf } from "../classifyAzureError.js";

/**
 * Whether a Table Storage call failed with this HTTP status and, when given, this service error code. The SDK puts
 * the code on `code` for a failed transaction (from the failed action's answer) but only on `details.errorCode`
 * for a single-entity call, so both are read.
 *
 * @example isTableError(error, 409, "EntityAlreadyExists")
 */
export function isTableError(error: unknown, status: number, code?: string): boolean {
  if (statusOf(error) !== status) return false;
  if (code === undefined) return true;
  const actual = tableErrorCode(error);
  // An answer without any code (a proxy, an old emulator) is judged by its status alone.
  return actual === undefined || actual === code;
}

/** The Table service's error code of a failed call (`EntityAlreadyExists`, `UpdateConditionNotSatisfied`, …). */
export function tableErrorCode(error: unknown): string | undefined {
  const code = codeOf(error);
  if (code !== undefined) return code;
  if (typeof error !== "object" || error === null) return undefined;
  const details = (error as { details?: unknown }).details;
  if (typeof details !== "object" || details === null) return undefined;
  const errorCode = (details as { errorCode?: unknown }).errorCode;
  return typeof errorCode === "string" ? errorCode : undefined;
}

/**
 * Wraps a failed Table Storage call: `context` says what was being done and where, the service's status, code and
 * message (or the network error) are appended, the original error is the `cause`, and `transient` is true for 5xx,
 * 408, 429 and network failures (a later run can succeed), false for other 4xx answers.
 *
 * @example throw toTableStoreError(`Claiming 100 records in partition record-a of table T failed`, error)
 */
export function toTableStoreError(context: string, error: unknown): TableStoreError {
  const status = statusOf(error);
  const code = tableErrorCode(error);
  const message = serviceMessage(toError(error).message);
  const reason =
    status === undefined
      ? message
      : `${status}${code === undefined ? "" : ` ${code}`}${message === "" ? "" : `: ${message}`}`;
  return new TableStoreError(`${context}: ${reason}`, isTransientAzureError(error), { cause: error });
}

/**
 * The service's sentence without its RequestId/Time lines (those stay in `cause`). Single-entity calls carry the
 * whole JSON error body as their message; transactions carry "<action index>:<sentence>".
 */
function serviceMessage(message: string): string {
  let text = message;
  try {
    const body = JSON.parse(message) as { "odata.error"?: { message?: { value?: unknown } } };
    const value = body["odata.error"]?.message?.value;
    if (typeof value === "string") text = value;
  } catch {
    // Not a JSON body: the message is the text itself.
  }
  return text.split("\n", 1)[0] ?? "";
}
