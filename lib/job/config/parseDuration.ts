// ISO 8601 durations as app settings use them: weeks, or days and a time part (no years or months, whose length
// varies). PT15M, P7D, P1DT12H, PT0.5S, P2W.
const DURATION =
  /^P(?:(\d+(?:\.\d+)?)W|(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?)$/i;

/**
 * Parses an ISO 8601 duration into milliseconds; `undefined` when the text is not one (or is just `P`/`PT`).
 *
 * @example parseDuration("PT15M") // 900000
 */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (match === null || /^PT?$/i.test(text.trim()) || /T$/i.test(text.trim())) return undefined;
  const [, weeks, days, hours, minutes, seconds] = match.map((part) =>
    part === undefined ? 0 : Number(part),
  );
  return Math.round(
    ((((weeks ?? 0) * 7 + (days ?? 0)) * 24 + (hours ?? 0)) * 60 + (minutes ?? 0)) * 60_000 +
      (seconds ?? 0) * 1000,
  );
}
