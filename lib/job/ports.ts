import type { EnrichmentRecord } from "../core/records/EnrichmentRecord.js";
import type { CopySummary } from "../core/records/mergeCopies.js";
import type { AppConfig } from "./config/AppConfig.js";
import type { ScheduledRunReport } from "./runScheduled.js";

/**
 * The small interfaces the job runs against. `lib/adapters/azure/` implements them with the Azure SDKs; tests and the
 * offline command line can implement them in memory. Nothing here imports an SDK.
 */

/** A Log Analytics workspace: runs one KQL text over a time span and returns its rows as plain objects. */
export interface WorkspaceQuery {
  /**
   * @throws QueryError — for failures and for partial results (a partial result is never taken as success).
   */
  query(kql: string, options: QueryOptions): Promise<Record<string, unknown>[]>;
}

export interface QueryOptions {
  /** Short name of the query for logs and errors ("alerts", "candidate requests", …). */
  name: string;
  /** Epoch ms; the workspace also filters `TimeGenerated` by it (the SDK's `timespan`). */
  timespan: { start: number; end: number };
  /** Seconds the service may spend on the query before it gives up (from the run's `Deadline`). */
  serverTimeoutSeconds: number;
  /** Milliseconds the client waits for the answer, retries included, before it abandons the query. */
  clientTimeoutMs: number;
}

/** Where a record stands in the ledger (Table Storage), as a run writes it. */
export type LedgerEntry =
  | { state: "pending"; since: number }
  | { state: "ingested"; at: number }
  /** Given up by the sweep: no window produces it any more (`reason` says why). */
  | { state: "abandoned"; at: number; reason: string };

/**
 * A record's ledger entry as read, with the entity's ETag, so that a run can take a record over only if no other
 * run changed it since it was read, and with the sources its ledger copy names, so that a run can tell when it knows
 * more about the record's process than the copy delivered (docs/design.md §6.5).
 */
export type LedgerState = LedgerEntry & { etag: string; summary: CopySummary };

/** A record to take over: its id and the ETag of the state read. */
export interface LedgerClaim {
  recordId: string;
  etag: string;
  /** The copy the ledger is to hold from now on; without it, the ledger's copy stays as it is. */
  replaceWith?: EnrichmentRecord;
}

/** A record as a ledger listing finds it: its id, its entity's ETag, and the ledger's copy of its columns. */
export interface LedgerCopy extends LedgerClaim {
  /** The record rebuilt from the ledger's copy of its columns; `undefined` when that copy cannot be read back. */
  record: EnrichmentRecord | undefined;
  /** Why the copy cannot be read back (with `record` undefined), or what in it was cut to fit Table Storage. */
  problem?: string;
}

/** A `pending` record that has waited longer than the settle time, as the sweep finds it in the ledger. */
export interface StalePending extends LedgerCopy {
  since: number;
}

/**
 * The Table Storage side: the records themselves and the ledger of what the custom table already has, so that a
 * re-processed window sends only new records to Log Analytics.
 */
export interface RecordLedger {
  /** The ledger state of each record id that is known; unknown ids are absent from the map. */
  lookup(recordIds: readonly string[], options?: LedgerCallOptions): Promise<Map<string, LedgerState>>;
  /**
   * Writes records that are not in the ledger yet as `pending` (insert-only, so two runs cannot both claim one).
   * Returns the ids this call claimed; ids another run claimed first are left out.
   */
  claim(records: readonly EnrichmentRecord[], now: number, options?: LedgerCallOptions): Promise<Set<string>>;
  /**
   * Makes records `pending` since `now` for this run (with the copy `replaceWith` when a claim has one), each only if
   * its entity still has the ETag read (another run that took it first changed it): of two runs taking one record
   * over, exactly one gets it. Returns the ids this call took.
   */
  takeOver(claims: readonly LedgerClaim[], now: number, options?: LedgerCallOptions): Promise<Set<string>>;
  /** Marks records as accepted by the custom table (the record's columns are written again, unchanged). */
  markIngested(records: readonly EnrichmentRecord[], now: number): Promise<void>;
  /** Marks records this run took over as given up, each with its reason (kept on the entity). */
  markAbandoned(
    records: readonly { recordId: string; reason: string }[],
    now: number,
    options?: LedgerCallOptions,
  ): Promise<void>;
  /** At most `limit` records `pending` since `before` or earlier, with their ledger copy, for the sweep. */
  listStalePending(before: number, limit: number, options?: LedgerCallOptions): Promise<StalePending[]>;
  /**
   * At most `limit` records marked `ingested` at `before` or earlier that the custom table was not yet seen to hold,
   * with their ETag and ledger copy.
   */
  listUnconfirmed(before: number, limit: number, options?: LedgerCallOptions): Promise<LedgerCopy[]>;
  /** Marks `ingested` records as seen in the custom table (they are not listed as unconfirmed again). */
  markConfirmed(recordIds: readonly string[], now: number, options?: LedgerCallOptions): Promise<void>;
}

/**
 * What bounds a ledger call: the run's deadline, as a signal that aborts every request of the call still in flight
 * (the service answers a busy partition slowly, and a connection that went half-open never answers).
 */
export interface LedgerCallOptions {
  abortSignal?: AbortSignal;
}

/** The custom table through the Logs Ingestion API. */
export interface IngestionSink {
  /**
   * Uploads records; returns the ids of those the service did not accept (the others are written). Gives up
   * after `timeoutMs` (what is left of the run's budget): what was not answered by then is reported as failed,
   * though the service may have stored it (a later run asks the custom table before sending it again).
   */
  upload(
    records: readonly EnrichmentRecord[],
    options: { timeoutMs: number },
  ): Promise<{ failed: FailedUpload[] }>;
}

export interface FailedUpload {
  recordIds: string[];
  /** The service's reason, as it said it (status and message). */
  reason: string;
}

/** A job's watermark: alerts ingested before it have been fully processed. */
export interface Watermark {
  value: number;
  /** Opaque concurrency token (the entity's ETag). */
  etag: string;
}

export interface CheckpointStore {
  read(job: string): Promise<Watermark | undefined>;
  /**
   * Moves the watermark forward to `value`, only if the stored one is still `expected` (ETag) or absent.
   * @throws CheckpointConflictError when another run wrote in between.
   */
  write(job: string, value: number, expected: Watermark | undefined): Promise<Watermark>;
}

/** What a run is built from: the validated configuration and the adapters (real ones in Azure, doubles in tests). */
export interface JobDeps {
  config: AppConfig;
  workspace: WorkspaceQuery;
  ledger: RecordLedger;
  ingestion: IngestionSink;
  checkpoints: CheckpointStore;
  /** Epoch ms; injected so runs and tests agree on "now". */
  now: () => number;
  log: JobLogger;
  /** Told once at the end of each scheduled run, whether it succeeded or failed (docs/design.md §6.7). */
  reportRun?: (report: ScheduledRunReport) => void;
}

/** Where a run reports; the Functions adapter maps it onto the invocation context. */
export interface JobLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** The custom table the DCR stream feeds (`Custom-X_CL` → `X_CL`). */
export function customTableOf(config: AppConfig): string {
  return config.ingestion.stream.replace(/^Custom-/, "");
}
