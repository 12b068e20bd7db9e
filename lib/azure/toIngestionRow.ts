import { RECORD_COLUMNS } from "../records/columns.js";
import type { EnrichmentRecord } from "../records/EnrichmentRecord.js";
import { type JsonRecord, toJsonRecord } from "../records/toJsonRecord.js";
import { truncateWithMarker } from "../records/truncateWithMarker.js";

/**
 * Log Analytics keeps at most 32 KB of a string column; longer values are cut here, with a marker, rather than
 * by the service without one. Dynamic columns are measured as the JSON the table stores.
 */
export const MAX_COLUMN_CHARS = 32_000;

/** A record as a row of the DCR stream `Custom-WebShellEnrichment_CL`: the schema's columns, sizes bounded. */
export function toIngestionRow(record: EnrichmentRecord): JsonRecord {
  const row = toJsonRecord(record);
  for (const column of RECORD_COLUMNS) {
    const value = row[column.name];
    if (typeof value === "string") row[column.name] = truncateWithMarker(value, MAX_COLUMN_CHARS);
  }
  // Evidence is the only column that grows with the data: keep the first requests that fit.
  const evidence = [...record.Evidence];
  while (evidence.length > 0 && JSON.stringify(evidence).length > MAX_COLUMN_CHARS) evidence.pop();
  row.Evidence = evidence;
  for (const column of ["Sites", "AttackerUserAgents", "Attacker"] as const) {
    if (JSON.stringify(row[column]).length > MAX_COLUMN_CHARS) {
      row[column] = truncateWithMarker(JSON.stringify(row[column]), MAX_COLUMN_CHARS);
    }
  }
  return row;
}
