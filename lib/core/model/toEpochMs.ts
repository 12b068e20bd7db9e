import { parseTimestamp } from "./parseTimestamp.js";

/**
 * A time column as epoch milliseconds (UTC), whatever carried it: a `Date` (the query SDK turns `datetime` columns
 * into Dates), a number of epoch milliseconds, or text in any form `parseTimestamp` reads (ISO 8601, the portal's
 * `4/18/2023, 4:20:01.053 PM`). `undefined` for an empty or unreadable value.
 */
export function toEpochMs(value: unknown): number | undefined {
  if (value instanceof Date) {
    const ms = value.getTime();
    return Number.isNaN(ms) ? undefined : ms;
  }
  if (typeof value === "number") return Number.isFinite(value) ? Math.trunc(value) : undefined;
  if (typeof value === "string") return value.trim() === "" ? undefined : parseTimestamp(value);
  return undefined;
}
