import { createHash } from "node:crypto";

/**
 * A deterministic record id (docs/design.md §4.9, fixing B10's `new_guid()`): the same finding gets the same id on every
 * run, so sinks can deduplicate re-processed windows. The parts are JSON-encoded before hashing so that no two
 * different part lists can produce the same input (`["a|b","c"]` vs `["a","b|c"]`).
 *
 * @returns 32 lower-case hex characters (128 bits of SHA-256).
 */
export function computeRecordId(parts: readonly (string | number)[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 32);
}
