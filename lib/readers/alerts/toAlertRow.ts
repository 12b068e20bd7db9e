import type { AlertRow } from "../../core/model/AlertRow.js";
import { toEpochMs } from "../../core/model/parseTimestamp.js";
import { normalizeColumnName } from "../exports/detectExportFormat.js";

/**
 * Maps one SecurityAlert record, from any source (file export, query result), to an {@link AlertRow}. Columns are
 * matched ignoring case and a ` [UTC]` suffix; times may be `Date`s, epoch milliseconds or text; `Entities` is kept
 * as it came (string or parsed). Returns the reason instead when the row cannot be used: no `SystemAlertId`, or a
 * missing or unreadable `TimeGenerated`. An unreadable `StartTime`/`EndTime` only leaves that time `undefined`.
 *
 * @example
 * const row = toAlertRow(record, { source: "alerts.json", line: 3 });
 * if (typeof row === "string") diagnostics.skip({ source: "alerts.json", line: 3, reason: row });
 */
export function toAlertRow(
  record: Readonly<Record<string, unknown>>,
  origin: AlertRow["origin"],
): AlertRow | string {
  const columns = new Map<string, unknown>();
  for (const [key, value] of Object.entries(record)) {
    const name = normalizeColumnName(key);
    if (!columns.has(name)) columns.set(name, value);
  }
  const text = (name: string) => toText(columns.get(name));

  const systemAlertId = text("systemalertid").trim();
  if (systemAlertId === "") return "SystemAlertId is missing or empty: expected the alert's id";
  const timeGenerated = columns.get("timegenerated");
  const time = toEpochMs(timeGenerated);
  if (time === undefined) {
    if (isBlank(timeGenerated))
      return "TimeGenerated is missing or empty: expected the alert's ingestion time";
    return (
      `TimeGenerated ${JSON.stringify(toText(timeGenerated)).slice(0, 60)} is not a timestamp: expected ISO 8601 ` +
      `(2023-04-18T16:20:01.053Z) or the portal's form (4/18/2023, 4:20:01.053 PM)`
    );
  }

  return {
    SystemAlertId: systemAlertId,
    AlertName: text("alertname") || text("displayname"),
    ProviderName: text("providername"),
    ProductName: text("productname"),
    TimeGenerated: time,
    StartTime: toEpochMs(columns.get("starttime")),
    EndTime: toEpochMs(columns.get("endtime")),
    CompromisedEntity: text("compromisedentity"),
    Entities: columns.get("entities"),
    origin,
  };
}

function toText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "" : value.toISOString();
  return "";
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === "string" && value.trim() === "");
}
