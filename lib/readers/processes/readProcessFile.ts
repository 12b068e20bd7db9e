import type { Diagnostics } from "../../core/Diagnostics.js";
import type { DeviceProcessRow } from "../../core/model/DeviceProcessRow.js";
import { checkHeaderColumns, readTableExport, type TableExport } from "../exports/readTableExport.js";
import { DEVICE_PROCESS_COLUMNS, toDeviceProcessRow } from "./toDeviceProcessRow.js";

const DEVICE_PROCESS_EVENTS: TableExport<DeviceProcessRow> = {
  table: "DeviceProcessEvents",
  kind: "DeviceProcessEvents",
  columns: DEVICE_PROCESS_COLUMNS,
  checkCsvHeader,
  toRow: toDeviceProcessRow,
};

/**
 * Reads a `DeviceProcessEvents` export, streamed, and hands each process creation to `onRow`: as Advanced Hunting
 * exports it (CSV or JSON with the time column named `Timestamp`, or the hunting API's `{"Schema", "Results"}`
 * answer) or as Log Analytics does (JSON, JSON lines, CSV with `TimeGenerated [UTC]`, a saved query answer), plain
 * or gzip, through the shared table export reader (`readTableExport`).
 *
 * Every row is counted with `diagnostics.read(path)`; a process creation that cannot be used (no time, device, id
 * or creation time) is reported with `diagnostics.skip` and its line, and the others are still read. A file that
 * cannot be read at all throws `InputError`.
 *
 * @returns the rows read, process creations or not
 */
export function readProcessFile(
  path: string,
  diagnostics: Diagnostics,
  onRow: (row: DeviceProcessRow) => void,
): Promise<number> {
  return readTableExport(path, DEVICE_PROCESS_EVENTS, diagnostics, onRow);
}

/** Refuses a CSV header without the table's columns, or whose times are not in UTC. */
function checkCsvHeader(header: readonly string[]): string | undefined {
  const { missing, zone } = checkHeaderColumns(
    header,
    DEVICE_PROCESS_COLUMNS,
    /^(?:TimeGenerated|Timestamp|\w*CreationTime)$/i,
  );
  if (zone !== undefined) return zone;
  const { missing: times } = checkHeaderColumns(header, ["TimeGenerated", "Timestamp"], /^$/);
  if (times.length === 2) missing.unshift("TimeGenerated (or Timestamp in Advanced Hunting)");
  if (missing.length === 0) return undefined;
  return (
    `expected a CSV header with the DeviceProcessEvents columns; missing ${missing.join(", ")} in a header ` +
    `starting "${header.slice(0, 4).join(",").slice(0, 80)}"`
  );
}
