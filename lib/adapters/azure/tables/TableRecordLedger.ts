import { odata, type TableClient, type TransactionAction } from "@azure/data-tables";

import { TableStoreError } from "../../../core/errors.js";
import type { EnrichmentRecord } from "../../../core/records/EnrichmentRecord.js";
import { readCopySummary } from "../../../core/records/mergeCopies.js";
import type {
  LedgerCallOptions,
  LedgerClaim,
  LedgerCopy,
  LedgerEntry,
  LedgerState,
  RecordLedger,
  StalePending,
} from "../../../job/ports.js";
import { ensureTable } from "./createTableClient.js";
import { decodeTableKey } from "./encodeTableKey.js";
import { mapWithConcurrency } from "./mapWithConcurrency.js";
import { planTransactions, type TransactionBatch } from "./planTransactions.js";
import { isTableError, toTableStoreError } from "./tableErrors.js";
import type { TableRow } from "./tableLimits.js";
import {
  fromLedgerEntity,
  LEDGER_PROPERTIES,
  readLedgerState,
  SUMMARY_COLUMNS,
  toLedgerEntity,
  toLedgerKey,
  toLedgerProperties,
} from "./toLedgerEntity.js";

// Point reads in flight for a lookup; transactions in flight across partitions (16 partitions at most); single
// inserts in flight when a conflicting transaction is retried record by record. Small enough to stay well under
// the account's 20,000 entities/s and a partition's 2,000 entities/s, large enough that 250 records take ~20 trips.
const READ_CONCURRENCY = 16;
const PARTITION_CONCURRENCY = 8;
const FALLBACK_CONCURRENCY = 4;
// The service's largest page of a query.
const MAX_PAGE = 1_000;

/**
 * The records and the ledger in Table Storage (`WebShellEnrichment`): one entity per record, keyed by its
 * RecordId, holding every column plus `LedgerState` (`pending` from claim until the custom table accepted it, then
 * `ingested`; `abandoned` when the sweep gave it up). Insert-only claims make two overlapping runs (timer and HTTP)
 * claim each record exactly once, and takeovers conditional on the ETag make them take a stale one over exactly
 * once (docs/design.md §6.5).
 *
 * @example const ledger = new TableRecordLedger(createTableClient(target)); await ledger.ensureTable();
 */
export class TableRecordLedger implements RecordLedger {
  constructor(private readonly client: TableClient) {}

  /** Creates the table when it is missing (an existing one is fine). */
  ensureTable(): Promise<void> {
    return ensureTable(this.client);
  }

  /**
   * Point reads of the ledger fields and the columns naming the record's sources (not the whole record), 16 at a
   * time, each with its ETag; an id without an entity is absent from the result.
   * @throws TableStoreError naming the record whose read failed.
   */
  async lookup(
    recordIds: readonly string[],
    options: LedgerCallOptions = {},
  ): Promise<Map<string, LedgerState>> {
    const ids = [...new Set(recordIds)];
    const states = await mapWithConcurrency(ids, READ_CONCURRENCY, (id) => this.readState(id, options));
    const found = new Map<string, LedgerState>();
    ids.forEach((id, index) => {
      const state = states[index];
      if (state !== undefined) found.set(id, state);
    });
    return found;
  }

  /**
   * Inserts the records as `pending` (PendingSince = now), never overwriting: per partition in transactions of up
   * to 100 creates; a transaction refused because one of its records exists (409 EntityAlreadyExists, all or
   * nothing) is redone record by record, and the records that exist are left out of the result.
   * @throws TableStoreError naming the partition and how many records, for any other failure.
   */
  async claim(
    records: readonly EnrichmentRecord[],
    now: number,
    options: LedgerCallOptions = {},
  ): Promise<Set<string>> {
    const rows = uniqueById(records).map((record) =>
      toLedgerEntity(record, { state: "pending", since: now }),
    );
    const claimed = new Set<string>();
    await this.forEachBatch(rows, async (batch) => {
      for (const row of await this.claimBatch(batch, options)) claimed.add(decodeTableKey(row.rowKey));
    });
    return claimed;
  }

  /**
   * Replaces each record's entity with its full columns, `LedgerState = "ingested"` and IngestedAt = now, per
   * partition in transactions of up to 100 upserts (an entity missing from the ledger is created).
   * @throws TableStoreError naming the partition and how many records.
   */
  async markIngested(records: readonly EnrichmentRecord[], now: number): Promise<void> {
    const rows = uniqueById(records).map((record) => toLedgerEntity(record, { state: "ingested", at: now }));
    await this.forEachBatch(rows, async (batch) => {
      const actions = batch.rows.map((row): TransactionAction => ["upsert", row, "Replace"]);
      try {
        await this.client.submitTransaction(actions);
      } catch (error) {
        throw toTableStoreError(
          `Marking ${batch.rows.length} records as ingested in partition ${batch.partitionKey} of table ` +
            `${this.client.tableName} failed`,
          error,
        );
      }
    });
  }

  /**
   * Sets each record `pending` since `now`, conditional on the ETag read, 16 at a time: a Merge that keeps the
   * record's columns, or a Replace with the claim's `replaceWith` copy, so that a run stopping after the takeover
   * leaves the copy it was sending for the run after it. A 412 (another run changed it since) or a 404 (removed)
   * leaves the record out of the result.
   * @throws TableStoreError naming the record, for any other failure.
   */
  async takeOver(
    claims: readonly LedgerClaim[],
    now: number,
    { abortSignal }: LedgerCallOptions = {},
  ): Promise<Set<string>> {
    const pending = { state: "pending", since: now } as const;
    const taken = await mapWithConcurrency(
      claims,
      READ_CONCURRENCY,
      async ({ recordId, etag, replaceWith }) => {
        try {
          if (replaceWith === undefined) {
            await this.client.updateEntity(
              { ...toLedgerKey(recordId), ...toLedgerProperties(pending) },
              "Merge",
              { etag, abortSignal },
            );
          } else {
            await this.client.updateEntity(toLedgerEntity(replaceWith, pending), "Replace", {
              etag,
              abortSignal,
            });
          }
          return true;
        } catch (error) {
          if (isTableError(error, 412) || isTableError(error, 404)) return false;
          throw toTableStoreError(
            `Taking over record ${recordId} in partition ${toLedgerKey(recordId).partitionKey} of table ` +
              `${this.client.tableName} failed`,
            error,
          );
        }
      },
    );
    return new Set(claims.filter((_, index) => taken[index]).map((claim) => claim.recordId));
  }

  /**
   * Merges `LedgerState = "abandoned"`, AbandonedAt = now and the reason into each entity (the record's columns
   * stay), per partition in transactions of up to 100.
   * @throws TableStoreError naming the partition and how many records.
   */
  async markAbandoned(
    records: readonly { recordId: string; reason: string }[],
    now: number,
    options: LedgerCallOptions = {},
  ): Promise<void> {
    const rows = records.map(({ recordId, reason }) => ({
      ...toLedgerKey(recordId),
      ...toLedgerProperties({ state: "abandoned", at: now, reason }),
    }));
    await this.mergeAll(rows, "abandoned", options);
  }

  /**
   * The first `limit` records pending since `before` or earlier (a filter the service evaluates, page by page), each
   * with its ETag and the record rebuilt from its columns.
   * @throws TableStoreError when the query fails.
   */
  async listStalePending(
    before: number,
    limit: number,
    options: LedgerCallOptions = {},
  ): Promise<StalePending[]> {
    const filter = odata`LedgerState eq 'pending' and PendingSince le ${new Date(before)}`;
    const found = await this.listCopies(
      filter,
      limit,
      `records pending since ${new Date(before).toISOString()} or earlier`,
      options,
    );
    return found.flatMap(({ copy, state }) =>
      state.state === "pending" ? [{ ...copy, since: state.since }] : [],
    );
  }

  /**
   * The first `limit` records marked ingested at `before` or earlier and not confirmed, each with its ETag and the
   * record rebuilt from its columns. Entities written before confirmation existed have no `Confirmed` and are not
   * listed.
   * @throws TableStoreError when the query fails.
   */
  async listUnconfirmed(
    before: number,
    limit: number,
    options: LedgerCallOptions = {},
  ): Promise<LedgerCopy[]> {
    const filter = odata`LedgerState eq 'ingested' and Confirmed eq false and IngestedAt le ${new Date(before)}`;
    const found = await this.listCopies(
      filter,
      limit,
      `unconfirmed records ingested by ${new Date(before).toISOString()}`,
      options,
    );
    return found.map(({ copy }) => copy);
  }

  /**
   * Merges `Confirmed = true` and ConfirmedAt = now into each entity (nothing else changes), per partition in
   * transactions of up to 100.
   * @throws TableStoreError naming the partition and how many records.
   */
  async markConfirmed(
    recordIds: readonly string[],
    now: number,
    options: LedgerCallOptions = {},
  ): Promise<void> {
    const rows = [...new Set(recordIds)].map((recordId) => ({
      ...toLedgerKey(recordId),
      Confirmed: true,
      ConfirmedAt: new Date(now),
    }));
    await this.mergeAll(rows, "confirmed", options);
  }

  /** Merges each row's properties into its entity, per partition in transactions of up to 100. */
  private async mergeAll(
    rows: readonly TableRow[],
    marked: string,
    options: LedgerCallOptions,
  ): Promise<void> {
    await this.forEachBatch(rows, async (batch) => {
      try {
        await this.client.submitTransaction(
          batch.rows.map((row): TransactionAction => ["update", row, "Merge"]),
          options,
        );
      } catch (error) {
        throw toTableStoreError(
          `Marking ${batch.rows.length} records as ${marked} in partition ${batch.partitionKey} of table ` +
            `${this.client.tableName} failed`,
          error,
        );
      }
    });
  }

  /** The first `limit` entities the filter selects, as ledger copies with their ledger state. */
  private async listCopies(
    filter: string,
    limit: number,
    what: string,
    { abortSignal }: LedgerCallOptions,
  ): Promise<{ copy: LedgerCopy; state: LedgerEntry }[]> {
    const found: { copy: LedgerCopy; state: LedgerEntry }[] = [];
    try {
      const pages = this.client
        .listEntities<Record<string, unknown>>({ queryOptions: { filter }, abortSignal })
        .byPage({ maxPageSize: Math.min(MAX_PAGE, Math.max(1, limit)) });
      for await (const page of pages) {
        for (const entity of page) {
          if (found.length >= limit) return found;
          const recordId = decodeTableKey(String(entity.rowKey));
          const state = readLedgerState(entity, recordId);
          found.push({ copy: { recordId, etag: String(entity.etag), ...fromLedgerEntity(entity) }, state });
        }
        if (found.length >= limit) return found;
      }
    } catch (error) {
      if (error instanceof TableStoreError) throw error;
      throw toTableStoreError(`Listing ${what} in table ${this.client.tableName} failed`, error);
    }
    return found;
  }

  private async readState(
    recordId: string,
    { abortSignal }: LedgerCallOptions,
  ): Promise<LedgerState | undefined> {
    const { partitionKey, rowKey } = toLedgerKey(recordId);
    let entity: Record<string, unknown> & { etag: string };
    try {
      entity = await this.client.getEntity(partitionKey, rowKey, {
        queryOptions: { select: [...LEDGER_PROPERTIES, ...SUMMARY_COLUMNS] },
        abortSignal,
      });
    } catch (error) {
      if (isTableError(error, 404)) return undefined;
      throw toTableStoreError(
        `Reading the ledger entry of record ${recordId} in partition ${partitionKey} of table ` +
          `${this.client.tableName} failed`,
        error,
      );
    }
    return { ...readLedgerState(entity, recordId), etag: entity.etag, summary: readCopySummary(entity) };
  }

  /** The rows of the batch this call inserted. */
  private async claimBatch(batch: TransactionBatch, options: LedgerCallOptions): Promise<TableRow[]> {
    try {
      await this.client.submitTransaction(
        batch.rows.map((row): TransactionAction => ["create", row]),
        options,
      );
      return batch.rows;
    } catch (error) {
      if (!isTableError(error, 409, "EntityAlreadyExists")) {
        throw toTableStoreError(
          `Claiming ${batch.rows.length} records in partition ${batch.partitionKey} of table ` +
            `${this.client.tableName} failed`,
          error,
        );
      }
    }
    if (batch.rows.length === 1) return [];
    const created = await mapWithConcurrency(batch.rows, FALLBACK_CONCURRENCY, (row) =>
      this.claimOne(row, options),
    );
    return batch.rows.filter((_, index) => created[index]);
  }

  private async claimOne(row: TableRow, options: LedgerCallOptions): Promise<boolean> {
    try {
      await this.client.createEntity(row, options);
      return true;
    } catch (error) {
      if (isTableError(error, 409, "EntityAlreadyExists")) return false;
      throw toTableStoreError(
        `Claiming record ${decodeTableKey(row.rowKey)} in partition ${row.partitionKey} of table ` +
          `${this.client.tableName} failed`,
        error,
      );
    }
  }

  private async forEachBatch(
    rows: readonly TableRow[],
    run: (batch: TransactionBatch) => Promise<void>,
  ): Promise<void> {
    // A partition's batches go in sequence, partitions in parallel: transactions never contend within a partition.
    await mapWithConcurrency(planTransactions(rows), PARTITION_CONCURRENCY, async (batches) => {
      for (const batch of batches) await run(batch);
    });
  }
}

function uniqueById(records: readonly EnrichmentRecord[]): EnrichmentRecord[] {
  // Two actions on one entity in a transaction are refused (400 InvalidDuplicateRow): keep the first of each id.
  const byId = new Map<string, EnrichmentRecord>();
  for (const record of records) if (!byId.has(record.RecordId)) byId.set(record.RecordId, record);
  return [...byId.values()];
}
