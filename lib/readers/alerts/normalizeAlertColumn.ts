/**
 * The key a column is matched by: lower case, without the ` [UTC]` suffix the Log Analytics portal adds to time
 * columns in CSV exports (`TimeGenerated [UTC]` → `timegenerated`).
 */
export function normalizeAlertColumn(name: string): string {
  return name
    .trim()
    .replace(/\s*\[UTC\]$/i, "")
    .toLowerCase();
}
