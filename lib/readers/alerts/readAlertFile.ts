import type { Diagnostics } from "../../core/Diagnostics.js";
import type { AlertRow } from "../../core/model/AlertRow.js";
import { checkHeaderColumns, readTableExport, type TableExport } from "../exports/readTableExport.js";
import { toAlertRow } from "./toAlertRow.js";

const REQUIRED = ["SystemAlertId", "TimeGenerated"];

const SECURITY_ALERT: TableExport<AlertRow> = {
  table: "SecurityAlert",
  kind: "alert",
  columns: REQUIRED,
  checkCsvHeader,
  toRow: toAlertRow,
};

/**
 * Reads an exported SecurityAlert file: a JSON array of rows, JSON lines, CSV with a header (as the Log Analytics
 * portal exports it), `{ "rows": [...] }`, `{ "value": [...] }`, or a saved Log Analytics query answer, plain or
 * gzip, through the shared table export reader (`readTableExport`), as DeviceProcessEvents exports are.
 *
 * Every accepted row is counted with `diagnostics.read(path)`; a row that cannot be used (invalid JSON line, no
 * `SystemAlertId`, no readable `TimeGenerated`) is reported with `diagnostics.skip` and its line, and the others
 * are still read. A file that cannot be read at all (missing, UTF-16, a W3C log, a CSV without the SecurityAlert
 * columns, JSON of another shape, a document broken before its first row) throws `InputError`.
 *
 * @example const alerts = await readAlertFile("exports/alerts.csv", diagnostics);
 */
export async function readAlertFile(path: string, diagnostics: Diagnostics): Promise<AlertRow[]> {
  // Alerts are few next to IIS logs: they are kept whole.
  const rows: AlertRow[] = [];
  await readTableExport(path, SECURITY_ALERT, diagnostics, (row) => rows.push(row));
  return rows;
}

/** Refuses a CSV header without the SecurityAlert columns, or whose times are not in UTC. */
function checkCsvHeader(header: readonly string[]): string | undefined {
  const { missing, zone } = checkHeaderColumns(header, REQUIRED, /^(?:TimeGenerated|StartTime|EndTime)$/i);
  if (zone !== undefined) return zone;
  if (missing.length === 0) return undefined;
  return (
    `expected a CSV header with the SecurityAlert columns ${REQUIRED.join(" and ")}; ` +
    `missing ${missing.join(", ")} in a header starting "${header.slice(0, 4).join(",").slice(0, 80)}"`
  );
}
