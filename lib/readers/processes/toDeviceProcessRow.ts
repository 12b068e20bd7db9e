import { type DeviceProcessRow, PROCESS_CREATED } from "../../core/model/DeviceProcessRow.js";
import { toEpochMs } from "../../core/model/parseTimestamp.js";
import { normalizeColumnName } from "../exports/detectExportFormat.js";

/** A row that is not a process creation: a row of the table, read, but not one the engine uses. */
export const NOT_A_PROCESS_CREATION = null;

/**
 * Maps one `DeviceProcessEvents` record, from any source (a workspace query, a Log Analytics export, an Advanced
 * Hunting export), to a {@link DeviceProcessRow}. Columns are matched ignoring case and a ` [UTC]` suffix; the time
 * is `TimeGenerated` (Log Analytics) or `Timestamp` (Advanced Hunting); times may be `Date`s, epoch milliseconds or
 * text; process ids numbers or digits.
 *
 * Returns `null` for a row whose `ActionType` is not `ProcessCreated`, and the reason instead of a row when a process
 * creation cannot be used: no time, no device name (the process cannot be placed on a server), no process id or
 * creation time (the process cannot be told apart or placed in time). An unreadable initiating process id or time
 * only leaves the row unlinked to its parent.
 *
 * @example
 * const row = toDeviceProcessRow(record, { source: "processes.csv", line: 3 });
 * if (typeof row === "string") diagnostics.skip({ source: "processes.csv", line: 3, reason: row });
 */
export function toDeviceProcessRow(
  record: Readonly<Record<string, unknown>>,
  origin: DeviceProcessRow["origin"],
): DeviceProcessRow | string | null {
  const columns = new Map<string, unknown>();
  for (const [key, value] of Object.entries(record)) {
    const name = columnKey(key);
    if (!columns.has(name)) columns.set(name, value);
  }
  const text = (name: string) => toText(columns.get(name)).trim();

  const timeValue = columns.has("timegenerated") ? columns.get("timegenerated") : columns.get("timestamp");
  const time = toEpochMs(timeValue);
  if (time === undefined) {
    return isBlank(timeValue)
      ? "TimeGenerated (Timestamp in Advanced Hunting) is missing or empty: expected when the event was recorded"
      : `TimeGenerated ${quote(timeValue)} is not a timestamp: expected ISO 8601 (2026-11-20T10:15:30.517Z) or the portal's form`;
  }
  const actionType = text("actiontype");
  if (actionType !== PROCESS_CREATED) {
    return actionType === ""
      ? "ActionType is missing or empty: expected ProcessCreated"
      : NOT_A_PROCESS_CREATION;
  }
  const deviceName = text("devicename");
  if (deviceName === "") return "DeviceName is missing or empty: the process cannot be placed on a server";
  const processId = toProcessId(columns.get("processid"));
  if (processId === "")
    return `ProcessId ${quote(columns.get("processid"))} is not a process id: expected a whole number`;
  const created = columns.get("processcreationtime");
  const creationTime = toEpochMs(created);
  if (creationTime === undefined)
    return `ProcessCreationTime ${quote(created)} is not a timestamp: the process cannot be placed in time`;

  return {
    TimeGenerated: time,
    DeviceId: text("deviceid"),
    DeviceName: deviceName,
    ActionType: actionType,
    FileName: text("filename"),
    ProcessId: processId,
    ProcessCommandLine: toText(columns.get("processcommandline")),
    ProcessCreationTime: creationTime,
    InitiatingProcessFileName: text("initiatingprocessfilename"),
    InitiatingProcessId: toProcessId(columns.get("initiatingprocessid")),
    InitiatingProcessCreationTime: toEpochMs(columns.get("initiatingprocesscreationtime")),
    InitiatingProcessParentFileName: text("initiatingprocessparentfilename"),
    origin,
  };
}

/** The columns that tell a DeviceProcessEvents record (for telling an export of something else apart). */
export const DEVICE_PROCESS_COLUMNS = ["DeviceName", "ProcessId", "ProcessCreationTime"] as const;

// An export repeats its column names on every row: each is normalised once. Bounded, as a JSON export's keys are
// whatever its writer chose.
const COLUMN_KEYS = new Map<string, string>();

function columnKey(name: string): string {
  let key = COLUMN_KEYS.get(name);
  if (key === undefined) {
    key = normalizeColumnName(name);
    if (COLUMN_KEYS.size < 1024) COLUMN_KEYS.set(name, key);
  }
  return key;
}

/** A process id as decimal text (the table's `long`), `""` when absent or not a whole number. */
function toProcessId(value: unknown): string {
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? String(value) : "";
  if (typeof value === "bigint") return value >= 0n ? value.toString() : "";
  if (typeof value !== "string") return "";
  const digits = value.trim();
  return /^\d{1,19}$/.test(digits) ? digits.replace(/^0+(?=\d)/, "") : "";
}

function toText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
    return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "" : value.toISOString();
  return "";
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === "string" && value.trim() === "");
}

function quote(value: unknown): string {
  return isBlank(value) ? "(empty)" : JSON.stringify(toText(value)).slice(0, 60);
}
