import { TableStoreError, toError } from "../../../core/errors.js";
import { isTransientAzureError, statusOf } from "../classifyAzureError.js";
import { tableErrorCode } from "./isTableError.js";

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
