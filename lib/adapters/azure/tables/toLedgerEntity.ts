import { TableStoreError } from "../../../core/errors.js";
import { MATCH_MODES } from "../../../core/model/EngineOptions.js";
import { RECORD_COLUMNS } from "../../../core/records/columns.js";
import type { EnrichmentRecord } from "../../../core/records/EnrichmentRecord.js";
import type { CopySummary } from "../../../core/records/mergeCopies.js";
import type { LedgerEntry } from "../../../job/ports.js";
import { encodeTableKey } from "./encodeTableKey.js";
import type { TableRow } from "./tableLimits.js";
import { truncateForTable } from "./truncateForTable.js";

/** The ledger's own properties, beside the record's columns. */
export const LEDGER_PROPERTIES = [
  "LedgerState",
  "PendingSince",
  "IngestedAt",
  "Confirmed",
  "ConfirmedAt",
  "AbandonedAt",
  "AbandonReason",
] as const;

/**
 * The record's columns a lookup reads besides the ledger's own: what tells whether a run knows more than the copy
 * the ledger holds (its sources, its alert, its requests).
 */
export const SUMMARY_COLUMNS = [
  "SystemAlertId",
  "AlertName",
  "AlertTime",
  "ProcessSource",
  "RequestCount",
] as const satisfies readonly (keyof CopySummary)[];

/**
 * The keys of a record's entity. The partition comes from the id's first character (16 partitions for a hex id),
 * never from a time column, so a record keeps its key when a re-run moves its TimeGenerated.
 */
export function toLedgerKey(recordId: string): { partitionKey: string; rowKey: string } {
  return { partitionKey: encodeTableKey(`record-${recordId.charAt(0)}`), rowKey: encodeTableKey(recordId) };
}

/**
 * A record as a Table Storage entity: every column as a property (datetimes as `Date`, `dynamic` columns as JSON
 * text, ints as numbers, `null` columns left out) plus the ledger entry. Oversized text is truncated with a marker
 * (Evidence first, then the command line), never dropped, so a truncated `dynamic` column is no longer valid JSON;
 * the custom table keeps the full record.
 */
export function toLedgerEntity(record: EnrichmentRecord, entry: LedgerEntry): TableRow {
  const row: TableRow = { ...toLedgerKey(record.RecordId) };
  for (const column of RECORD_COLUMNS) {
    const value = record[column.name];
    if (value === null) continue;
    if (column.type === "datetime") row[column.name] = new Date(value as number);
    else if (column.type === "dynamic") row[column.name] = JSON.stringify(value);
    else row[column.name] = value as string | number;
  }
  Object.assign(row, toLedgerProperties(entry));
  return truncateForTable(row, {
    shrinkFirst: ["Evidence", "ProcessCommandLine"],
    neverShrink: ["RecordId", ...LEDGER_PROPERTIES],
  }).row;
}

/**
 * The ledger properties of an entry, for a Merge that changes only them. An `ingested` record is not `Confirmed`
 * until the custom table was seen to hold it (a filter needs the property present: Table Storage cannot select
 * entities that lack one).
 */
export function toLedgerProperties(entry: LedgerEntry): Record<string, string | Date | boolean> {
  switch (entry.state) {
    case "pending":
      return { LedgerState: entry.state, PendingSince: new Date(entry.since) };
    case "ingested":
      return { LedgerState: entry.state, IngestedAt: new Date(entry.at), Confirmed: false };
    case "abandoned":
      return { LedgerState: entry.state, AbandonedAt: new Date(entry.at), AbandonReason: entry.reason };
  }
}

/**
 * The ledger entry stored on a record's entity. A state the app did not write (edited by hand, or by a newer
 * version) fails loudly rather than being guessed, since guessing wrong would resend or drop records.
 *
 * @throws TableStoreError (not transient) naming the record and what was found.
 */
export function readLedgerState(entity: Record<string, unknown>, recordId: string): LedgerEntry {
  const state = entity.LedgerState;
  if (state === "pending" && entity.PendingSince instanceof Date) {
    return { state, since: entity.PendingSince.getTime() };
  }
  if (state === "ingested" && entity.IngestedAt instanceof Date) {
    return { state, at: entity.IngestedAt.getTime() };
  }
  if (state === "abandoned" && entity.AbandonedAt instanceof Date) {
    return {
      state,
      at: entity.AbandonedAt.getTime(),
      reason: typeof entity.AbandonReason === "string" ? entity.AbandonReason : "",
    };
  }
  throw new TableStoreError(
    `Expected the ledger entry of record ${recordId} to be "pending" with PendingSince, "ingested" with ` +
      `IngestedAt or "abandoned" with AbandonedAt (datetimes), found LedgerState=${JSON.stringify(state)}`,
    false,
  );
}

/**
 * The record a ledger entity holds, for the sweep to resend it: the inverse of {@link toLedgerEntity}. A `dynamic`
 * column that no longer parses (cut to fit Table Storage) comes back empty, and `problem` says which; an entity
 * whose identifying columns are missing or malformed gives no record, and `problem` says why.
 */
export function fromLedgerEntity(entity: Record<string, unknown>): {
  record: EnrichmentRecord | undefined;
  problem?: string;
} {
  const values: Record<string, unknown> = {};
  const cut: string[] = [];
  const missing: string[] = [];
  for (const column of RECORD_COLUMNS) {
    const stored = entity[column.name];
    if (column.type === "datetime") {
      values[column.name] = stored instanceof Date ? stored.getTime() : null;
    } else if (column.type === "dynamic") {
      const empty = column.name === "Attacker" ? {} : [];
      const parsed = typeof stored === "string" ? parseJson(stored) : undefined;
      const fits = parsed !== undefined && Array.isArray(parsed) === Array.isArray(empty);
      if (!fits && stored !== undefined) cut.push(column.name);
      values[column.name] = fits ? parsed : empty;
    } else if (column.type === "int") {
      values[column.name] = typeof stored === "number" ? stored : null;
    } else {
      values[column.name] = typeof stored === "string" ? stored : "";
    }
  }
  for (const name of ["RecordId", "SystemAlertId"] as const) if (values[name] === "") missing.push(name);
  for (const name of ["TimeGenerated", "EnrichedAt", "PageDistinctIPs"] as const)
    if (values[name] === null) missing.push(name);
  if (!(MATCH_MODES as readonly unknown[]).includes(values.MatchMode)) missing.push("MatchMode");
  if (missing.length > 0) return { record: undefined, problem: `no valid ${missing.join(", ")}` };
  const record = values as unknown as EnrichmentRecord;
  return cut.length === 0
    ? { record }
    : { record, problem: `${cut.join(", ")} cut to fit Table Storage, resent empty` };
}

function parseJson(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}
