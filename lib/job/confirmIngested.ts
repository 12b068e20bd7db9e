import type { DeliveryDeps } from "./deliverRecords.js";
import { findIngested } from "./deliverRecords.js";

export interface ConfirmResult {
  /** Records marked `ingested` longer than the settle time ago that were not yet seen in the custom table. */
  checked: number;
  /** Of those, found in the custom table: confirmed, and not checked again. */
  confirmed: number;
  /**
   * Of those, still not in the custom table: made stale `pending`, so the sweep takes each over and resends it.
   * The service dropped them after its 204, or shows them later than the settle time.
   */
  missing: number;
}

/** Records one run checks at most: one "which are ingested" query's worth. */
export const CONFIRM_LIMIT = 500;

/**
 * Checks that what the Logs Ingestion API accepted reached the custom table (docs/design.md §6.5). A 204 means the
 * data collection rule took the rows; its transformation runs afterwards and can drop a row, saying so only in
 * `DCRLogErrors`. So a record marked `ingested` more than the settle time ago (its rows have had time to become
 * queryable) is looked for in the custom table once: found, it is confirmed; not found, it is taken over on its ETag
 * as `pending` since a settle time ago, which makes it stale at once, and the sweep that follows resends it as any
 * orphan (rechecked against its alert, or from the ledger's copy). A record whose ledger copy cannot be read back
 * cannot be looked for by its sources, and is confirmed as it is, so that it does not hold a place in every check.
 */
export async function confirmIngested(deps: DeliveryDeps): Promise<ConfirmResult> {
  const now = deps.now();
  const listed = await deps.deadline.bound("the listing of unconfirmed records", (abortSignal) =>
    deps.ledger.listUnconfirmed(now - deps.settleMs, CONFIRM_LIMIT, { abortSignal }),
  );
  if (listed.length === 0) return { checked: 0, confirmed: 0, missing: 0 };
  const readable = listed.flatMap((entry) => (entry.record === undefined ? [] : [entry.record]));
  const found = new Set((await findIngested(readable, deps)).map((record) => record.RecordId));
  const missing = listed.filter((entry) => entry.record !== undefined && !found.has(entry.recordId));
  const confirmed = listed.filter((entry) => entry.record === undefined || found.has(entry.recordId));
  const demoted = await deps.deadline.bound("the confirmation of ingested records", async (abortSignal) => {
    await deps.ledger.markConfirmed(
      confirmed.map((entry) => entry.recordId),
      now,
      { abortSignal },
    );
    return deps.ledger.takeOver(
      missing.map(({ recordId, etag }) => ({ recordId, etag })),
      now - deps.settleMs,
      { abortSignal },
    );
  });
  return { checked: listed.length, confirmed: confirmed.length, missing: demoted.size };
}
