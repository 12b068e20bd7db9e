/**
 * The project's one error hierarchy. Every error says what was expected and what came instead, names the input,
 * setting or query that caused it, carries the original error as `cause`, and says whether trying again later can
 * help (`transient`): a run fails its invocation cleanly and the next run picks up where it stopped.
 *
 * Bad rows inside a readable input are not errors: they are counted and reported through `Diagnostics`.
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

/** A command line or an HTTP request asked for something invalid; the message says which option and what it takes. */
export class UsageError extends EnrichmentError {
  override readonly name = "UsageError";
  readonly transient = false;
}

/**
 * An input that cannot be read at all (a missing or unreadable file, an unsupported encoding or shape), as opposed
 * to a bad row inside a readable input. The command line answers it with exit code 2 and the message.
 */
export class InputError extends EnrichmentError {
  override readonly name = "InputError";
  readonly transient = false;

  /**
   * @param path the input that failed, as the user gave it (or the file found under it)
   * @param reason what was expected and what was found (or what the system said)
   * @param kind what the input was meant to hold, for the message
   */
  constructor(
    readonly path: string,
    readonly reason: string,
    readonly kind: InputKind,
    options?: { cause?: unknown },
  ) {
    super(`cannot read ${kind} input ${path}: ${reason}`, options);
  }

  /**
   * Wraps a system error (`ENOENT`, `EACCES`, `EISDIR`, `EIO`, ...) raised while reading `path`; any other error is
   * returned unchanged, so that a bug is not disguised as bad input.
   */
  static wrap(path: string, error: unknown, kind: InputKind): unknown {
    if (error instanceof InputError || !isSystemError(error)) return error;
    return new InputError(path, `expected a readable file or folder (${error.message})`, kind, {
      cause: error,
    });
  }
}

export type InputKind = "alert" | "IIS" | "DeviceProcessEvents";

/** The command's output file cannot be written (a missing folder, no permission, a full disk). */
export class OutputError extends EnrichmentError {
  override readonly name = "OutputError";
  readonly transient = false;

  constructor(
    readonly path: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot write output ${path}: ${reason}`, options);
  }
}

/** Why a Log Analytics query failed, as the service answered it (classified where the SDK answers). */
export type QueryFailure =
  /** The answer went over the service's limits (500,000 rows, ~100 MB): a smaller query can succeed. */
  | "tooLarge"
  /** The answer was partial for another reason (memory, a timeout inside the service): retry later. */
  | "partial"
  /** 429 or a 5xx, or no answer at all: retry later. */
  | "unavailable"
  /** The query ran out of the time it was given. */
  | "timeout"
  /** The service refused the query (bad request, no access): retrying will not help. */
  | "refused";

/** A Log Analytics query failed or came back partial; `query` names which one (not its text: it may be long). */
export class QueryError extends EnrichmentError {
  override readonly name = "QueryError";
  readonly transient: boolean;
  constructor(
    message: string,
    readonly query: string,
    readonly reason: QueryFailure,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.transient = reason !== "refused";
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

/** A window did not reach both sinks completely; the watermark stays before it and the next run redoes it. */
export class IncompleteWindowError extends EnrichmentError {
  override readonly name = "IncompleteWindowError";
  readonly transient = true;
}

/**
 * The run's time budget (`ENRICH_TIME_BUDGET`, `ENRICH_HTTP_TIME_BUDGET`) leaves too little for the next step, so
 * it was not started: the run stops there, keeping what it completed, and says where (`step`). Transient: the next
 * run continues.
 */
export class DeadlineError extends EnrichmentError {
  override readonly name = "DeadlineError";
  readonly transient = true;
  constructor(
    readonly step: string,
    leftMs: number,
    options?: { cause?: unknown },
  ) {
    super(
      `The run's time budget left ${Math.max(0, Math.round(leftMs)) / 1000} s, too little to start ${step}`,
      options,
    );
  }
}

/**
 * Precise correlation met more (request, process) matches than a run can hold (docs/design.md §6.1): many web-shell
 * processes on one host and many requests to rare pages around them. The message names the host, the counts and
 * the times, and the way out. Not transient: the same data gives the same matches.
 */
export class MatchLimitError extends EnrichmentError {
  override readonly name = "MatchLimitError";
  readonly transient = false;
}

/** A value cannot be written as a KQL literal (a control character, a time that is not finite). */
export class KqlLiteralError extends EnrichmentError {
  override readonly name = "KqlLiteralError";
  readonly transient = false;
}

export function isEnrichmentError(error: unknown): error is EnrichmentError {
  return error instanceof EnrichmentError;
}

/** Any thrown value as an Error, so logs and `cause` chains always have a message. */
export function toError(error: unknown): Error {
  return error instanceof Error
    ? error
    : new Error(typeof error === "string" ? error : JSON.stringify(error));
}

function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && "syscall" in error && typeof error.syscall === "string";
}
