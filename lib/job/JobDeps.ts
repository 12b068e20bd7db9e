import type { AppConfig } from "./config/AppConfig.js";
import type { CheckpointStore, IngestionSink, RecordLedger, WorkspaceQuery } from "./ports.js";

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
