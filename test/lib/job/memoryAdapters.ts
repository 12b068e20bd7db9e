import { CheckpointConflictError } from "../../../lib/core/errors.js";
import type { EnrichmentRecord } from "../../../lib/core/records/EnrichmentRecord.js";
import { summaryOf } from "../../../lib/core/records/mergeCopies.js";
import { toJsonRecord } from "../../../lib/core/records/toJsonRecord.js";
import { Deadline } from "../../../lib/job/Deadline.js";
import type { DeliveryDeps } from "../../../lib/job/deliverRecords.js";
import type {
  CheckpointStore,
  FailedUpload,
  IngestionSink,
  LedgerCallOptions,
  LedgerClaim,
  LedgerCopy,
  LedgerEntry,
  LedgerState,
  QueryOptions,
  RecordLedger,
  StalePending,
  Watermark,
  WorkspaceQuery,
} from "../../../lib/job/ports.js";
import { createFakeWorkspace, type FakeWorkspaceData } from "../../../tools/doubles/fakeWorkspace.js";
import type { ReceivedRow } from "../../../tools/doubles/startIngestionServer.js";

/**
 * In-memory adapters for the job's unit tests (the real ones are tested against Azurite and the HTTPS doubles).
 * The ledger keeps an ETag per record, changed by every write, and takes a record over only on the ETag read.
 */
export class MemoryLedger implements RecordLedger {
  readonly states = new Map<string, LedgerEntry & { etag: string }>();
  readonly copies = new Map<string, EnrichmentRecord>();
  /** Ingested records seen in the custom table; cleared for a record whenever it is marked ingested again. */
  readonly confirmed = new Set<string>();
  failNextMark = false;
  private version = 0;

  lookup(ids: readonly string[], _options?: LedgerCallOptions) {
    return Promise.resolve(
      new Map(
        ids.flatMap((id): [string, LedgerState][] => {
          const state = this.states.get(id);
          const copy = this.copies.get(id);
          return state === undefined || copy === undefined
            ? []
            : [[id, { ...state, summary: summaryOf(copy) }]];
        }),
      ),
    );
  }

  claim(records: readonly EnrichmentRecord[], now: number, _options?: LedgerCallOptions) {
    const claimed = new Set<string>();
    for (const record of records) {
      if (this.states.has(record.RecordId)) continue;
      this.write(record.RecordId, { state: "pending", since: now });
      this.copies.set(record.RecordId, record);
      claimed.add(record.RecordId);
    }
    return Promise.resolve(claimed);
  }

  takeOver(claims: readonly LedgerClaim[], now: number, _options?: LedgerCallOptions) {
    const taken = new Set<string>();
    for (const { recordId, etag, replaceWith } of claims) {
      if (this.states.get(recordId)?.etag !== etag) continue;
      this.write(recordId, { state: "pending", since: now });
      if (replaceWith !== undefined) this.copies.set(recordId, replaceWith);
      taken.add(recordId);
    }
    return Promise.resolve(taken);
  }

  markIngested(records: readonly EnrichmentRecord[], now: number) {
    if (this.failNextMark) {
      this.failNextMark = false;
      return Promise.reject(new Error("crash before the ledger was updated"));
    }
    for (const record of records) {
      this.write(record.RecordId, { state: "ingested", at: now });
      this.copies.set(record.RecordId, record);
      this.confirmed.delete(record.RecordId);
    }
    return Promise.resolve();
  }

  markAbandoned(records: readonly { recordId: string; reason: string }[], now: number) {
    for (const { recordId, reason } of records) this.write(recordId, { state: "abandoned", at: now, reason });
    return Promise.resolve();
  }

  listUnconfirmed(before: number, limit: number) {
    const found: LedgerCopy[] = [];
    for (const [recordId, state] of this.states) {
      if (found.length >= limit || state.state !== "ingested" || state.at > before) continue;
      if (this.confirmed.has(recordId)) continue;
      found.push({ recordId, etag: state.etag, record: this.copies.get(recordId) });
    }
    return Promise.resolve(found);
  }

  markConfirmed(recordIds: readonly string[]) {
    for (const recordId of recordIds) this.confirmed.add(recordId);
    return Promise.resolve();
  }

  listStalePending(before: number, limit: number) {
    const stale: StalePending[] = [];
    for (const [recordId, state] of this.states) {
      if (stale.length >= limit || state.state !== "pending" || state.since > before) continue;
      stale.push({ recordId, etag: state.etag, since: state.since, record: this.copies.get(recordId) });
    }
    return Promise.resolve(stale);
  }

  private write(recordId: string, entry: LedgerEntry) {
    this.states.set(recordId, { ...entry, etag: `v${++this.version}` });
  }
}

/** The custom table's side of the Logs Ingestion API: keeps each accepted record as a row, as the service does. */
export class MemoryIngestion implements IngestionSink {
  readonly received: ReceivedRow[] = [];
  /** The `timeoutMs` of each upload. */
  readonly timeouts: number[] = [];
  rejectIds = new Set<string>();

  /** The RecordId of every row received, in order (a record sent twice twice). */
  get rows(): string[] {
    return this.received.map((entry) => String(entry.row.RecordId));
  }

  upload(records: readonly EnrichmentRecord[], options: { timeoutMs: number }) {
    this.timeouts.push(options.timeoutMs);
    const failed: FailedUpload[] = [];
    const rejected = records.filter((record) => this.rejectIds.has(record.RecordId));
    if (rejected.length > 0)
      failed.push({ recordIds: rejected.map((r) => r.RecordId), reason: "400 InvalidRequest" });
    for (const record of records) {
      if (this.rejectIds.has(record.RecordId)) continue;
      const n = this.received.length;
      this.received.push({ row: toJsonRecord(record), receivedAt: 0, itemId: `item-${n}` });
    }
    return Promise.resolve({ failed });
  }
}

/**
 * The fake workspace of `tools/doubles/` behind the `WorkspaceQuery` port, its custom table fed by `ingestion`,
 * datetimes as `Date` as the SDK gives them: the queries' text is read as the HTTPS double reads it.
 */
export class FakeWorkspaceQuery implements WorkspaceQuery {
  readonly queries: string[] = [];
  constructor(
    private readonly ingestion: MemoryIngestion,
    private readonly data: Pick<FakeWorkspaceData, "alerts" | "iis"> = { alerts: [], iis: [] },
  ) {}

  query(kql: string, options: QueryOptions) {
    this.queries.push(kql);
    const { start, end } = options.timespan;
    const answer = createFakeWorkspace({ ...this.data, customTable: () => this.ingestion.received })({
      query: kql,
      timespan: `${new Date(start).toISOString()}/${new Date(end).toISOString()}`,
    });
    return Promise.resolve(
      answer.rows.map((row) =>
        Object.fromEntries(
          answer.columns.map((column, i) => [
            column.name,
            column.type === "datetime" && typeof row[i] === "string" ? new Date(row[i]) : row[i],
          ]),
        ),
      ),
    );
  }
}

export class MemoryCheckpoints implements CheckpointStore {
  private readonly stored = new Map<string, Watermark>();
  private version = 0;
  writes = 0;

  read(job: string) {
    return Promise.resolve(this.stored.get(job));
  }

  write(job: string, value: number, expected: Watermark | undefined) {
    if (this.stored.get(job)?.etag !== expected?.etag)
      return Promise.reject(new CheckpointConflictError("etag mismatch"));
    this.writes += 1;
    const written = { value, etag: `v${++this.version}` };
    this.stored.set(job, written);
    return Promise.resolve(written);
  }
}

/**
 * The delivery side of the job in memory, on a clock the test moves: the ledger, the custom table (fed by the
 * ingestion double, read through the fake workspace holding `data`), and `deps()`, the dependencies of one run,
 * each with its own 8-minute deadline from when it is made.
 */
export function memoryDelivery(start: number, data?: Pick<FakeWorkspaceData, "alerts" | "iis">) {
  const ledger = new MemoryLedger();
  const ingestion = new MemoryIngestion();
  const workspace = new FakeWorkspaceQuery(ingestion, data);
  const clock = { now: start };
  const now = () => clock.now;
  const deps = (): DeliveryDeps => ({
    ledger,
    ingestion,
    workspace,
    customTable: "WebShellEnrichment_CL",
    now,
    settleMs: SETTLE_MS,
    deadline: Deadline.after(480_000, now),
  });
  return { ledger, ingestion, workspace, clock, deps };
}

/** ENRICH_SETTLE's default. */
export const SETTLE_MS = 30 * 60_000;
