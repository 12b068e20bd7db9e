const DAY_MS = 86_400_000;

/**
 * Reads W3C `date` (`YYYY-MM-DD`) and `time` (`hh:mm`, `hh:mm:ss` or `hh:mm:ss.f…`) straight from the line's bytes
 * into epoch milliseconds (UTC, as IIS always logs). Fraction digits past milliseconds are dropped. Returns
 * `undefined` for anything else, including impossible dates (February 30th) and out-of-range times.
 */
export function parseW3cDateTimeBytes(
  buf: Uint8Array,
  dateStart: number,
  dateEnd: number,
  timeStart: number,
  timeEnd: number,
): number | undefined {
  const day = parseW3cDateBytes(buf, dateStart, dateEnd);
  if (day === undefined) return undefined;
  const time = parseW3cTimeBytes(buf, timeStart, timeEnd);
  return time === undefined ? undefined : day + time;
}

/** W3C `date` (`YYYY-MM-DD`) as epoch milliseconds of its midnight (UTC), or `undefined` if it is no real date. */
export function parseW3cDateBytes(buf: Uint8Array, start: number, end: number): number | undefined {
  if (end - start !== 10 || buf[start + 4] !== 0x2d || buf[start + 7] !== 0x2d) return undefined;
  const year = digits(buf, start, 4);
  const month = digits(buf, start + 5, 2);
  const day = digits(buf, start + 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return daysFromCivil(year, month, day) * DAY_MS;
}

/** W3C `time` (`hh:mm`, `hh:mm:ss` or `hh:mm:ss.f…`) as milliseconds since midnight, or `undefined`. */
export function parseW3cTimeBytes(buf: Uint8Array, start: number, end: number): number | undefined {
  const length = end - start;
  if (length < 5 || buf[start + 2] !== 0x3a) return undefined;
  const hour = digits(buf, start, 2);
  const minute = digits(buf, start + 3, 2);
  let second = 0;
  let ms = 0;
  if (length > 5) {
    if (length < 8 || buf[start + 5] !== 0x3a) return undefined;
    second = digits(buf, start + 6, 2);
    if (length > 8) {
      if (length === 9 || buf[start + 8] !== 0x2e) return undefined;
      for (let at = start + 9; at < end; at++) if (digit(buf[at]) < 0) return undefined;
      for (let at = start + 9; at < start + 12; at++) ms = ms * 10 + (at < end ? digit(buf[at]) : 0);
    }
  }
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  return ((hour * 60 + minute) * 60 + second) * 1000 + ms;
}

/** The decimal value of `count` digits at `at`, or -1 if one is not a digit. */
function digits(buf: Uint8Array, at: number, count: number): number {
  let value = 0;
  for (let k = 0; k < count; k++) {
    const d = digit(buf[at + k]);
    if (d < 0) return -1;
    value = value * 10 + d;
  }
  return value;
}

function digit(byte: number | undefined): number {
  return byte !== undefined && byte >= 0x30 && byte <= 0x39 ? byte - 0x30 : -1;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

// Days since 1970-01-01 of a proleptic Gregorian date, exact for every year (H. Hinnant's `days_from_civil`);
// Date.UTC would read years 0-99 as 1900-1999.
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
