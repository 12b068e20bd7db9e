import { isEnrichmentError } from "../../core/errors.js";

/**
 * The status and message an on-demand failure is answered with: 503 for what a retry may fix (throttling, a
 * partial result, a store that was unreachable), 500 otherwise. Messages are the typed errors' own, which name
 * settings and queries but never carry secrets.
 */
export function toHttpError(error: unknown): { status: number; message: string } {
  if (isEnrichmentError(error)) return { status: error.transient ? 503 : 500, message: error.message };
  return { status: 500, message: "internal error (see the function's logs)" };
}
