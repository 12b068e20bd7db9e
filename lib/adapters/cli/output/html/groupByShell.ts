import { compareText } from "../../../../core/records/compareRecords.js";
import type { EnrichmentRecord } from "../../../../core/records/EnrichmentRecord.js";

/** The findings of one shell page on one host: one section of the report. */
export interface ShellGroup {
  host: string;
  shell: string;
  /** In output order (docs/design.md §5): by first request, then process start. */
  records: EnrichmentRecord[];
  /** Earliest and latest time any of its records knows (requests, process starts, the query's timestamp). */
  first: number;
  last: number;
}

/**
 * Groups records per (host, shell page), as a responder reads an incident: one web shell at a time. Precise
 * records already spell both in lower case (docs/design.md §4.11); compat records keep the query's spellings, so
 * its groups are the query's. The groups come earliest activity first; memory is one reference per record.
 */
export function groupByShell(records: readonly EnrichmentRecord[]): ShellGroup[] {
  const groups = new Map<string, ShellGroup>();
  for (const record of records) {
    const key = `${record.HostName}\u0000${record.ShellLocation}`;
    const [first, last] = timesOf(record);
    const group = groups.get(key);
    if (group === undefined) {
      groups.set(key, { host: record.HostName, shell: record.ShellLocation, records: [record], first, last });
    } else {
      group.records.push(record);
      group.first = Math.min(group.first, first);
      group.last = Math.max(group.last, last);
    }
  }
  return [...groups.values()].sort(
    (a, b) => a.first - b.first || compareText(a.host, b.host) || compareText(a.shell, b.shell),
  );
}

/** The earliest and latest of a record's known times. */
export function timesOf(record: EnrichmentRecord): [number, number] {
  let first = record.TimeGenerated;
  let last = record.TimeGenerated;
  for (const time of [record.FirstRequestTime, record.LastRequestTime, record.ProcessCreationTime]) {
    if (time === null) continue;
    first = Math.min(first, time);
    last = Math.max(last, time);
  }
  return [first, last];
}
