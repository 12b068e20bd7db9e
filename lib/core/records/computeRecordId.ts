import * as crypto from "node:crypto";

/**
 * A deterministic record id (docs/design.md §4.9, fixing B10's `new_guid()`): the same finding gets the same id on every
 * run, so sinks can deduplicate re-processed windows. The parts are JSON-encoded before hashing so that no two
 * different part lists can produce the same input (`["a|b","c"]` vs `["a","b|c"]`).
 *
 * @returns 32 lower-case hex characters (128 bits of SHA-256).
 */
export function computeRecordId(parts: readonly (string | number)[]): string {
  return recordIdOfJson(JSON.stringify(parts));
}

/**
 * `computeRecordId(parts)` from `JSON.stringify(parts)`, for callers that make many ids from a few recurring parts
 * and build that text from the parts' JSON, each encoded once.
 */
export function recordIdOfJson(partsJson: string): string {
  return sha256Hex(partsJson).slice(0, 32);
}

// One call instead of three objects where Node has it (20.12 and later): compat's cross-alert join (B2) can ask
// for millions of ids.
const sha256Hex: (text: string) => string =
  typeof crypto.hash === "function"
    ? (text) => crypto.hash("sha256", text, "hex")
    : (text) => crypto.createHash("sha256").update(text).digest("hex");
