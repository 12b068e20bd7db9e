import { QueryError } from "../core/errors.js";

// How Log Analytics says an answer went over its limits (500,000 records, ~100 MB): "Query result set has
// exceeded the internal record count limit … (E_QUERY_RESULT_SET_TOO_LARGE)", in the partial error's code, message
// or details, which the adapter folds into the QueryError's message.
const TOO_LARGE =
  /E_QUERY_RESULT_SET_TOO_LARGE|ResponsePayloadTooLarge|result set (is )?too large|result set has exceeded|exceeds? the maximum/i;

/** Whether a query failed because its answer was too large, so that a smaller query can succeed. */
export function isTooLargeQueryError(error: unknown): boolean {
  return error instanceof QueryError && TOO_LARGE.test(error.message);
}
