import { codeOf, statusOf } from "../classifyAzureError.js";

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
