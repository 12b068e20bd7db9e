import { TableStoreError } from "../../../core/errors.js";
import { RECORD_COLUMNS } from "../../../core/records/columns.js";
import type { EnrichmentRecord } from "../../../core/records/EnrichmentRecord.js";
import type { LedgerState } from "../../../job/ports.js";
import { encodeTableKey } from "./encodeTableKey.js";
import type { TableRow } from "./tableLimits.js";
import { truncateForTable } from "./truncateForTable.js";

/** The ledger's own properties, beside the record's columns. */
export const LEDGER_PROPERTIES = ["LedgerState", "PendingSince", "IngestedAt"] as const;

/**
 * The keys of a record's entity. The partition comes from the id's first character (16 partitions for a hex id),
 * never from a time column, so a record keeps its key when a re-run moves its TimeGenerated.
 */
export function toLedgerKey(recordId: string): { partitionKey: string; rowKey: string } {
  return { partitionKey: encodeTableKey(`record-${recordId.charAt(0)}`), rowKey: encodeTableKey(recordId) };
}

/**
 * A record as a Table Storage entity: every column as a property (datetimes as `Date`, `dynamic` columns as JSON
 * text, ints as numbers, `null` columns left out) plus the ledger state. Oversized text is truncated with a marker
 * (Evidence first, then the command line), never dropped, so a truncated `dynamic` column is no longer valid JSON;
 * the custom table keeps the full record.
 */
export function toLedgerEntity(record: EnrichmentRecord, state: LedgerState): TableRow {
  const row: TableRow = { ...toLedgerKey(record.RecordId) };
  for (const column of RECORD_COLUMNS) {
    const value = record[column.name];
    if (value === null) continue;
    if (column.type === "datetime") row[column.name] = new Date(value as number);
    else if (column.type === "dynamic") row[column.name] = JSON.stringify(value);
    else row[column.name] = value as string | number;
  }
  row.LedgerState = state.state;
  if (state.state === "pending") row.PendingSince = new Date(state.since);
  else row.IngestedAt = new Date(state.at);
  return truncateForTable(row, {
    shrinkFirst: ["Evidence", "ProcessCommandLine"],
    neverShrink: ["RecordId", ...LEDGER_PROPERTIES],
  }).row;
}

/**
 * The ledger state stored on a record's entity. A state the app did not write (edited by hand, or by a newer
 * version) fails loudly rather than being guessed, since guessing wrong would resend or drop records.
 *
 * @throws TableStoreError (not transient) naming the record and what was found.
 */
export function readLedgerState(entity: Record<string, unknown>, recordId: string): LedgerState {
  const state = entity.LedgerState;
  if (state === "pending" && entity.PendingSince instanceof Date) {
    return { state, since: entity.PendingSince.getTime() };
  }
  if (state === "ingested" && entity.IngestedAt instanceof Date) {
    return { state, at: entity.IngestedAt.getTime() };
  }
  throw new TableStoreError(
    `Expected the ledger entry of record ${recordId} to be "pending" with PendingSince or "ingested" with ` +
      `IngestedAt (datetimes), found LedgerState=${JSON.stringify(state)}`,
    false,
  );
}
