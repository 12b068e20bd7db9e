import { RECORD_COLUMNS } from "../../core/records/columns.js";
import type { EnrichmentRecord } from "../../core/records/EnrichmentRecord.js";
import { type JsonRecord, toJsonRecord } from "../../core/records/toJsonRecord.js";
import { truncateWithMarker } from "../../core/records/truncateWithMarker.js";

/**
 * Log Analytics keeps at most 32 KB of a string column; longer values are cut here, with a marker, rather than
 * by the service without one. Dynamic columns are measured as the JSON the table stores.
 */
export const MAX_COLUMN_CHARS = 32_000;

/**
 * Largest row, as UTF-8 JSON, that this adapter sends. The SDK packs rows into chunks of under 1,000,000 bytes and
 * sends a larger row alone, which the service refuses (413: 1 MB per call); a refused row would stay `pending` and
 * hold the watermark for ever. 32,000 characters per column is not enough on its own: a character that JSON
 * escapes (`\u0001`) costs 6 bytes, so a few hostile columns reach megabytes.
 */
export const MAX_ROW_BYTES = 900_000;

// Identifiers the sinks deduplicate on: never shortened.
const EXACT: ReadonlySet<string> = new Set(["RecordId", "MatchMode"]);
// The shortest value a further cut may leave (about the marker's length): below it a cut frees nothing.
const MIN_CHARS = 40;

/**
 * A record as a row of the DCR stream `Custom-WebShellEnrichment_CL`: the schema's columns, sizes bounded (every
 * string column to 32,000 characters, then the whole row to {@link MAX_ROW_BYTES} by cutting the largest text
 * columns further, each with a visible marker). The record is never dropped.
 */
export function toIngestionRow(record: EnrichmentRecord): JsonRecord {
  const row = toJsonRecord(record);
  // Evidence is the only column that grows with the data: keep the first requests that fit.
  const evidence = [...record.Evidence];
  while (evidence.length > 0 && JSON.stringify(evidence).length > MAX_COLUMN_CHARS) evidence.pop();
  row.Evidence = evidence;
  for (const column of ["Sites", "AttackerUserAgents", "Attacker"] as const) {
    if (JSON.stringify(row[column]).length > MAX_COLUMN_CHARS) row[column] = JSON.stringify(row[column]);
  }
  // The full text of each string column: every cut is taken from it, so a marker counts all that went.
  const originals = new Map<string, string>();
  for (const column of RECORD_COLUMNS) {
    const value = row[column.name];
    if (typeof value !== "string" || column.type === "datetime" || EXACT.has(column.name)) continue;
    originals.set(column.name, value);
    row[column.name] = truncateWithMarker(value, MAX_COLUMN_CHARS);
  }
  fitRow(row, originals);
  return row;
}

/** Cuts the largest text columns until the row's JSON is at most {@link MAX_ROW_BYTES} bytes. */
function fitRow(row: JsonRecord, originals: ReadonlyMap<string, string>): void {
  for (let over = jsonBytes(row) - MAX_ROW_BYTES; over > 0; over = jsonBytes(row) - MAX_ROW_BYTES) {
    let largest: { name: string; bytes: number; chars: number } | undefined;
    for (const name of originals.keys()) {
      const value = row[name] as string;
      if (value.length <= MIN_CHARS) continue;
      const bytes = jsonBytes(value);
      if (largest === undefined || bytes > largest.bytes) largest = { name, bytes, chars: value.length };
    }
    if (largest === undefined) return; // nothing left to cut: only fixed-size columns remain
    // Bytes per character of this value, so that one cut removes about `over` bytes (plus room for the marker).
    const perChar = largest.bytes / largest.chars;
    const keep = Math.max(MIN_CHARS, largest.chars - Math.ceil(over / perChar) - MIN_CHARS);
    row[largest.name] = truncateWithMarker(originals.get(largest.name) ?? "", keep);
  }
}

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), "utf8");
}
