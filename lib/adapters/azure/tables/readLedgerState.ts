import { TableStoreError } from "../../../core/errors.js";
import type { LedgerState } from "../../../job/ports.js";

/**
 * The ledger state stored on a record's entity. A state the app did not write (edited by hand, or by a newer
 * version) fails loudly rather than being guessed, since guessing wrong would resend or drop records.
 *
 * @throws TableStoreError (not transient) naming the record and what was found.
 */
export function readLedgerState(entity: Record<string, unknown>, recordId: string): LedgerState {
  const state = entity.LedgerState;
  if (state === "pending" && entity.PendingSince instanceof Date) {
    return { state, since: entity.PendingSince.getTime() };
  }
  if (state === "ingested" && entity.IngestedAt instanceof Date) {
    return { state, at: entity.IngestedAt.getTime() };
  }
  throw new TableStoreError(
    `Expected the ledger entry of record ${recordId} to be "pending" with PendingSince or "ingested" with ` +
      `IngestedAt (datetimes), found LedgerState=${JSON.stringify(state)}`,
    false,
  );
}
