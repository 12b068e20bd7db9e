import type { EnrichmentRecord } from "./EnrichmentRecord.js";

/**
 * Output order, the same on every run: by time of the first request, then process start (so a shell's commands
 * read in the order they ran), host, page, attacker and finally the id.
 */
export function compareRecords(a: EnrichmentRecord, b: EnrichmentRecord): number {
  return (
    a.TimeGenerated - b.TimeGenerated ||
    (a.ProcessCreationTime ?? 0) - (b.ProcessCreationTime ?? 0) ||
    compareText(a.HostName, b.HostName) ||
    compareText(a.ShellLocation, b.ShellLocation) ||
    compareText(a.AttackerIP, b.AttackerIP) ||
    compareText(a.ProcessCommandLine, b.ProcessCommandLine) ||
    compareText(a.RecordId, b.RecordId)
  );
}

/** Ordinal order of two texts (UTF-16 code units, as Kusto's and every run's sort): no locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
