import type { W3cLayout } from "./W3cLayout.js";

// Skip reasons of W3C data lines, shared by the fast reader and the reference parser so that both report alike.
// Reasons carry no value from the line itself: Diagnostics groups skips by reason, and must stay bounded.

/** A data line before the first `#Fields` directive: the columns are unknown. */
export const NO_FIELDS_REASON = "no #Fields directive before this line: expected a W3C extended log header";

/** A data line under a `#Fields` directive that logs no date or no time. */
export function noDateTimeReason(layout: W3cLayout): string {
  return `#Fields at line ${layout.line} has no date and time fields: cannot time the request`;
}

/** A data line whose field count does not match its `#Fields` directive. */
export function fieldCountReason(layout: W3cLayout, found: number): string {
  return `expected ${layout.fieldCount} fields (#Fields at line ${layout.line}), found ${found}`;
}

/** A data line whose date or time cannot be read. */
export const BAD_DATE_TIME_REASON =
  "bad date or time: expected date YYYY-MM-DD and time hh:mm[:ss[.fff]] (UTC)";
