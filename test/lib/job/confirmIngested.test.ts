import { describe, expect, it } from "vitest";

import type { EnrichmentRecord } from "../../../lib/core/records/EnrichmentRecord.js";
import { confirmIngested } from "../../../lib/job/confirmIngested.js";
import { deliverRecords } from "../../../lib/job/deliverRecords.js";
import { correlate, legacyAlert, mdeAlert, request } from "../../support/timeline.js";
import { memoryDelivery, SETTLE_MS } from "./memoryAdapters.js";

const RECORDS: EnrichmentRecord[] = correlate(
  "precise",
  [mdeAlert(), legacyAlert()],
  [request("10:15:31")],
).records;

function setup() {
  const delivery = memoryDelivery(Date.parse("2026-11-21T00:00:00Z"));
  const run = () => delivery.deps();
  return { ...delivery, run };
}

describe("confirmIngested", () => {
  it("leaves records alone until a settle time after they were marked ingested, then confirms those the table holds", async () => {
    const { ledger, clock, run } = setup();
    await deliverRecords(RECORDS, run());
    clock.now += SETTLE_MS - 1;
    expect(await confirmIngested(run())).toEqual({ checked: 0, confirmed: 0, missing: 0 });
    clock.now += 1;
    expect(await confirmIngested(run())).toEqual({ checked: 3, confirmed: 3, missing: 0 });
    expect(ledger.confirmed.size).toBe(3);
    expect(await confirmIngested(run())).toEqual({ checked: 0, confirmed: 0, missing: 0 });
  });

  it("makes a record the table does not hold stale pending, for the sweep to resend", async () => {
    const { ledger, ingestion, clock, run } = setup();
    await deliverRecords(RECORDS, run());
    ingestion.received.splice(0, 1); // dropped after the service's 204
    clock.now += SETTLE_MS;
    expect(await confirmIngested(run())).toEqual({ checked: 3, confirmed: 2, missing: 1 });
    const stale = await ledger.listStalePending(clock.now - SETTLE_MS, 10);
    expect(stale.map((entry) => entry.recordId)).toHaveLength(1);
    // Delivered again (as the sweep would), it is confirmed a settle time later.
    await deliverRecords([stale[0]!.record!], run());
    clock.now += SETTLE_MS;
    expect(await confirmIngested(run())).toEqual({ checked: 1, confirmed: 1, missing: 0 });
  });

  it("does not count as confirmed a table copy that knows less than the ledger's", async () => {
    const { ingestion, clock, run } = setup();
    await deliverRecords(RECORDS, run());
    // The table's copy of one record names fewer requests than the ledger's (a revision that never arrived).
    const [first] = ingestion.received.splice(0, 1);
    ingestion.received.push({ ...first!, row: { ...first!.row, RequestCount: 0 } });
    clock.now += SETTLE_MS;
    expect(await confirmIngested(run())).toMatchObject({ checked: 3, missing: 1 });
  });

  it("stops at the run's deadline when Table Storage does not answer the confirmation", async () => {
    const { ledger, clock, run } = setup();
    await deliverRecords(RECORDS, run());
    clock.now += SETTLE_MS;
    const deps = run();
    clock.now = deps.deadline.at - 1_500;
    ledger.markConfirmed = () => new Promise(() => undefined); // a call that never answers
    await expect(confirmIngested(deps)).rejects.toThrow(
      /too little to start the confirmation of ingested records/,
    );
  });
});
