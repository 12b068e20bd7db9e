/**
 * The job's typed errors. Each says what was expected and which input or setting caused it, carries the original
 * error as `cause`, and says whether retrying later can help (`transient`), so a run can fail the invocation
 * cleanly and the next run can pick up where it stopped.
 */
export abstract class EnrichmentError extends Error {
  abstract readonly transient: boolean;
}

/** App settings are missing or malformed; the message names every bad setting at once. */
export class ConfigError extends EnrichmentError {
  override readonly name = "ConfigError";
  readonly transient = false;
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n- ${problems.join("\n- ")}`);
  }
}

/** A Log Analytics query failed or came back partial; `query` names which one (not its text: it may be long). */
export class QueryError extends EnrichmentError {
  override readonly name = "QueryError";
  constructor(
    message: string,
    readonly query: string,
    readonly transient: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Some records were not accepted by the Logs Ingestion API; they are listed so they are never checkpointed past. */
export class IngestionError extends EnrichmentError {
  override readonly name = "IngestionError";
  readonly transient = true;
  constructor(
    message: string,
    readonly failedRecordIds: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Table Storage refused or failed a write of the ledger or records. */
export class TableStoreError extends EnrichmentError {
  override readonly name = "TableStoreError";
  constructor(
    message: string,
    readonly transient: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Another run moved the watermark between our read and our write (ETag mismatch). */
export class CheckpointConflictError extends EnrichmentError {
  override readonly name = "CheckpointConflictError";
  readonly transient = true;
}

export function isEnrichmentError(error: unknown): error is EnrichmentError {
  return error instanceof EnrichmentError;
}

export function isConfigError(error: unknown): error is ConfigError {
  return error instanceof ConfigError;
}

/** Any thrown value as an Error, so logs and `cause` chains always have a message. */
export function toError(error: unknown): Error {
  return error instanceof Error
    ? error
    : new Error(typeof error === "string" ? error : JSON.stringify(error));
}
