import { CheckpointConflictError } from "../../../lib/core/errors.js";
import type { EnrichmentRecord } from "../../../lib/core/records/EnrichmentRecord.js";
import type {
  CheckpointStore,
  FailedUpload,
  IngestionSink,
  LedgerState,
  RecordLedger,
  Watermark,
  WorkspaceQuery,
} from "../../../lib/job/ports.js";

/** In-memory adapters for the job's unit tests (the real ones are tested against Azurite and the HTTPS doubles). */
export class MemoryLedger implements RecordLedger {
  readonly states = new Map<string, LedgerState>();
  failNextMark = false;

  lookup(ids: readonly string[]) {
    return Promise.resolve(
      new Map(ids.flatMap((id) => (this.states.has(id) ? [[id, this.states.get(id)!]] : []))),
    );
  }

  claim(records: readonly EnrichmentRecord[], now: number) {
    const claimed = new Set<string>();
    for (const { RecordId: id } of records) {
      if (this.states.has(id)) continue;
      this.states.set(id, { state: "pending", since: now });
      claimed.add(id);
    }
    return Promise.resolve(claimed);
  }

  markIngested(records: readonly EnrichmentRecord[], now: number) {
    if (this.failNextMark) {
      this.failNextMark = false;
      return Promise.reject(new Error("crash before the ledger was updated"));
    }
    for (const { RecordId: id } of records) this.states.set(id, { state: "ingested", at: now });
    return Promise.resolve();
  }
}

export class MemoryIngestion implements IngestionSink {
  readonly rows: string[] = [];
  rejectIds = new Set<string>();

  upload(records: readonly EnrichmentRecord[]) {
    const failed: FailedUpload[] = [];
    const rejected = records.filter((record) => this.rejectIds.has(record.RecordId));
    if (rejected.length > 0)
      failed.push({ recordIds: rejected.map((r) => r.RecordId), reason: "400 InvalidRequest" });
    for (const record of records) if (!this.rejectIds.has(record.RecordId)) this.rows.push(record.RecordId);
    return Promise.resolve({ failed });
  }
}

/** Answers only the "which records are ingested" query, from the ingestion fake's rows. */
export class MemoryCustomTable implements WorkspaceQuery {
  queries = 0;
  constructor(private readonly ingestion: MemoryIngestion) {}

  query(kql: string) {
    this.queries += 1;
    const ids = [...kql.matchAll(/"([0-9a-f]{32})"/g)].map((match) => match[1]);
    return Promise.resolve(
      this.ingestion.rows.filter((id) => ids.includes(id)).map((RecordId) => ({ RecordId })),
    );
  }
}

export class MemoryCheckpoints implements CheckpointStore {
  private stored: Watermark | undefined;
  private version = 0;
  writes = 0;

  read() {
    return Promise.resolve(this.stored);
  }

  write(_job: string, value: number, expected: Watermark | undefined) {
    if (this.stored?.etag !== expected?.etag)
      return Promise.reject(new CheckpointConflictError("etag mismatch"));
    this.writes += 1;
    this.stored = { value, etag: `v${++this.version}` };
    return Promise.resolve(this.stored);
  }
}
