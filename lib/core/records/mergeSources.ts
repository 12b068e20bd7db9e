import { PROCESS_SOURCES, type ProcessSource } from "../model/ProcessObservation.js";
import type { EnrichmentRecord } from "./EnrichmentRecord.js";

/**
 * What a copy of a record says about the sources that saw its process: the columns that differ between two copies
 * of one record (one `RecordId`) when a source saw the process after the other (docs/design.md §6.5).
 */
export type RecordSources = Pick<
  EnrichmentRecord,
  "SystemAlertId" | "AlertName" | "AlertTime" | "ProcessSource"
>;

export function sourcesOf(record: RecordSources): RecordSources {
  const { SystemAlertId, AlertName, AlertTime, ProcessSource } = record;
  return { SystemAlertId, AlertName, AlertTime, ProcessSource };
}

/**
 * The record as it should stand once `delivered` (an earlier copy of the same record) is known: the sources of both,
 * and the alert of the delivered copy when it had one (the one a responder may already have seen), else this copy's.
 * A precise record's id does not depend on its sources (§4.9), so a `DeviceProcessEvents` row delivered before the
 * alert that names its process, or after it in another window, is one record that gains what the other copy had and
 * never loses it. Compat records have one source, the alert, and come back as they are.
 */
export function mergeSources(record: EnrichmentRecord, delivered: RecordSources): EnrichmentRecord {
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
 * Whether `record` knows something about its process that the copy `delivered` does not: a source it does not name,
 * or an alert where it has none. Only then is a record delivered once sent again. Compat records never are.
 */
export function addsSources(
  record: RecordSources & Pick<EnrichmentRecord, "MatchMode">,
  delivered: RecordSources,
): boolean {
  if (record.MatchMode === "compat") return false;
  const known = sourcesSeen(delivered);
  return (
    sourcesSeen(record).some((source) => !known.includes(source)) ||
    (delivered.SystemAlertId === "" && record.SystemAlertId !== "")
  );
}

// The sources a copy names. A copy written before ProcessSource existed (empty) came from its alert; a name this
// version does not know is left out.
function sourcesSeen(copy: RecordSources): ProcessSource[] {
  const named = copy.ProcessSource.split(",").filter((name): name is ProcessSource =>
    (PROCESS_SOURCES as readonly string[]).includes(name),
  );
  return named.length === 0 && copy.SystemAlertId !== "" ? ["SecurityAlert"] : named;
}
