import {
  ConfigError,
  DeadlineError,
  IngestionError,
  isEnrichmentError,
  QueryError,
  TableStoreError,
} from "../../core/errors.js";

/**
 * The status, message and stopping point an on-demand failure is answered with: 503 for what a retry may fix
 * (throttling, a partial result, a store that was unreachable, a budget spent), 500 otherwise. Messages are the
 * typed errors' own, which name settings and queries but never carry secrets.
 */
export function toHttpError(error: unknown): { status: number; message: string; stoppedAt: string } {
  if (!isEnrichmentError(error))
    return { status: 500, message: "internal error (see the function's logs)", stoppedAt: "unknown" };
  return { status: error.transient ? 503 : 500, message: error.message, stoppedAt: stepOf(error) };
}

function stepOf(error: Error): string {
  if (error instanceof DeadlineError) return error.step;
  if (error instanceof QueryError) return `the ${error.query} query`;
  if (error instanceof ConfigError) return "start-up (the app settings)";
  if (error instanceof TableStoreError) return "the ledger (Table Storage)";
  if (error instanceof IngestionError) return "the upload to the custom table";
  return error.name;
}
