import { PROCESS_SOURCES, type ProcessSource } from "../model/ProcessObservation.js";
import type { EnrichmentRecord } from "./EnrichmentRecord.js";

/**
 * What a copy of a record knows that another copy of the same record (one `RecordId`) may not: the sources that saw
 * its process, the alert that named it, and how many of the attacker's requests it counts (docs/design.md §6.5). A
 * precise record's id depends on neither (§4.9), so a later run can make a copy that knows more: the alert arrived
 * after the `DeviceProcessEvents` row, or a request reached the workspace after the record was delivered.
 */
export type CopySummary = Pick<
  EnrichmentRecord,
  "SystemAlertId" | "AlertName" | "AlertTime" | "ProcessSource" | "RequestCount"
>;

/**
 * The summary a stored copy's columns give, wherever it was stored (a ledger entity, a row of the custom table): a
 * column missing or of another type (a copy written before it existed, a compat record's absent `RequestCount`)
 * reads as empty, which merges with what a run knows now without taking anything away.
 */
export function readCopySummary(columns: Readonly<Record<string, unknown>>): CopySummary {
  const text = (value: unknown) => (typeof value === "string" ? value : "");
  return {
    SystemAlertId: text(columns.SystemAlertId),
    AlertName: text(columns.AlertName),
    AlertTime: columns.AlertTime instanceof Date ? columns.AlertTime.getTime() : null,
    ProcessSource: text(columns.ProcessSource),
    RequestCount: typeof columns.RequestCount === "number" ? columns.RequestCount : null,
  };
}

export function summaryOf(record: CopySummary): CopySummary {
  const { SystemAlertId, AlertName, AlertTime, ProcessSource, RequestCount } = record;
  return { SystemAlertId, AlertName, AlertTime, ProcessSource, RequestCount };
}

/**
 * The record as it should stand once `delivered` (an earlier copy of the same record) is known: the sources of both,
 * the alert of the delivered copy when it had one (the one a responder may already have seen), else this copy's, and
 * this copy's requests (a later run reads the same requests and any that arrived since). So a copy sent or written
 * after another never drops a source or an alert it had. Compat records have one source, the alert, and come back as
 * they are.
 */
export function mergeCopies(record: EnrichmentRecord, delivered: CopySummary): EnrichmentRecord {
  if (record.MatchMode === "compat") return record;
  const seen = new Set([...sourcesSeen(record), ...sourcesSeen(delivered)]);
  const alert = delivered.SystemAlertId === "" ? record : delivered;
  const merged: EnrichmentRecord = {
    ...record,
    SystemAlertId: alert.SystemAlertId,
    AlertName: alert.AlertName,
    AlertTime: alert.AlertTime,
    ProcessSource: PROCESS_SOURCES.filter((source) => seen.has(source)).join(","),
  };
  return merged.SystemAlertId === record.SystemAlertId && merged.ProcessSource === record.ProcessSource
    ? record
    : merged;
}

/**
 * Whether `record` knows something that the copy `delivered` does not: a source it does not name, an alert where it
 * has none, or more requests. Only then is a record that was delivered sent again. Compat records never are: the
 * original query's answer is a function of the alert alone.
 */
export function knowsMore(
  record: CopySummary & Pick<EnrichmentRecord, "MatchMode">,
  delivered: CopySummary,
): boolean {
  if (record.MatchMode === "compat") return false;
  const known = sourcesSeen(delivered);
  return (
    sourcesSeen(record).some((source) => !known.includes(source)) ||
    (delivered.SystemAlertId === "" && record.SystemAlertId !== "") ||
    (record.RequestCount ?? 0) > (delivered.RequestCount ?? 0)
  );
}

// The sources a copy names. A copy written before ProcessSource existed (empty) came from its alert; a name this
// version does not know is left out.
function sourcesSeen(copy: CopySummary): ProcessSource[] {
  const named = copy.ProcessSource.split(",").filter((name): name is ProcessSource =>
    (PROCESS_SOURCES as readonly string[]).includes(name),
  );
  return named.length === 0 && copy.SystemAlertId !== "" ? ["SecurityAlert"] : named;
}
