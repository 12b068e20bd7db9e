import type { EnrichmentRecord } from "../core/records/EnrichmentRecord.js";
import type { AppConfig } from "./config/AppConfig.js";
import type { ScheduledRunReport } from "./runScheduled.js";

/**
 * The small interfaces the job runs against. `lib/azure/` implements them with the Azure SDKs; tests and the
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
  /** Seconds the service may spend on the query before it gives up. */
  serverTimeoutSeconds: number;
  /** Milliseconds the client waits for the answer before it abandons the request (not retried). */
  clientTimeoutMs: number;
}

/** Where a record stands in the ledger (Table Storage). */
export type LedgerState = { state: "pending"; since: number } | { state: "ingested"; at: number };

/**
 * The Table Storage side: the records themselves and the ledger of what the custom table already has, so that a
 * re-processed window sends only new records to Log Analytics.
 */
export interface RecordLedger {
  /** The ledger state of each record id that is known; unknown ids are absent from the map. */
  lookup(recordIds: readonly string[]): Promise<Map<string, LedgerState>>;
  /**
   * Writes records that are not in the ledger yet as `pending` (insert-only, so two runs cannot both claim one).
   * Returns the ids this call claimed; ids another run claimed first are left out.
   */
  claim(records: readonly EnrichmentRecord[], now: number): Promise<Set<string>>;
  /** Marks records as accepted by the custom table (the record's columns are written again, unchanged). */
  markIngested(records: readonly EnrichmentRecord[], now: number): Promise<void>;
}

/** The custom table through the Logs Ingestion API. */
export interface IngestionSink {
  /** Uploads records; returns the ids of those the service did not accept (the others are written). */
  upload(records: readonly EnrichmentRecord[]): Promise<{ failed: FailedUpload[] }>;
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
  /** Told once at the end of each scheduled run, whether it succeeded or failed (docs/design.md §6.6). */
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
