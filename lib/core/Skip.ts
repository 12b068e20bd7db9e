/**
 * Why one row, line or alert was not used. Bad input is counted and reported, never fatal to the run:
 * `where` says file and line (`alerts.csv:17`) or the alert id, `reason` says what was expected.
 */
export interface Skip {
  /** The input it came from: a file path, or a source name such as `SecurityAlert`. */
  source: string;
  /** 1-based line (or row) number within `source`, when known. */
  line?: number;
  /** SystemAlertId, when the skip is about one alert. */
  alertId?: string;
  reason: string;
}

/** Where a skip happened, as people read it: `file:line`, `file (alert id)` or `file`. */
export function formatSkipLocation(skip: Skip): string {
  if (skip.line !== undefined) return `${skip.source}:${skip.line}`;
  if (skip.alertId !== undefined) return `${skip.source} (alert ${skip.alertId})`;
  return skip.source;
}
