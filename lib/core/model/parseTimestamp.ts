// ISO 8601 as Log Analytics, Defender and exports write it: `T` or a space, 0-7 fraction digits (Kusto ticks),
// `Z`, an offset, or nothing (taken as UTC, as every timestamp in these tables is).
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
// The Log Analytics portal's CSV export: `4/18/2023, 4:20:01.053 PM` (en-US, UTC).
const PORTAL =
  /^(\d{1,2})\/(\d{1,2})\/(\d{4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*([AP]M)?$/i;

/**
 * Parses the timestamps found in SecurityAlert / W3CIISLog rows and their exports into epoch milliseconds (UTC).
 * Sub-millisecond digits are dropped (truncated, as Kusto's `bin` would). Returns `undefined` for anything else,
 * including impossible dates such as February 30th, so that callers can report the row instead of guessing.
 *
 * @example parseTimestamp("2023-04-18 16:20:01.053681+00:00") // 1681834801053
 */
export function parseTimestamp(text: string): number | undefined {
  const value = text.trim();
  const iso = ISO.exec(value);
  if (iso !== null) {
    const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", zone = "Z"] = iso;
    const ms = toUtc(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), frac);
    return ms === undefined ? undefined : ms - zoneOffsetMs(zone);
  }
  const portal = PORTAL.exec(value);
  if (portal !== null) {
    const [, mo, d, y, h, mi, s = "0", frac = "", meridiem] = portal;
    let hour = Number(h);
    if (meridiem !== undefined) {
      if (hour < 1 || hour > 12) return undefined;
      hour = (hour % 12) + (meridiem.toUpperCase() === "PM" ? 12 : 0);
    }
    return toUtc(Number(y), Number(mo), Number(d), hour, Number(mi), Number(s), frac);
  }
  return undefined;
}

function toUtc(y: number, mo: number, d: number, h: number, mi: number, s: number, frac: string) {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s, Number((frac + "000").slice(0, 3)));
  // Date.UTC rolls Feb 30 over into March: reject instead of silently moving the event.
  return new Date(ms).getUTCDate() === d ? ms : undefined;
}

function zoneOffsetMs(zone: string): number {
  if (zone.toUpperCase() === "Z") return 0;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
}

/** Epoch milliseconds as ISO 8601 UTC with milliseconds, the form every output uses. */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

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
