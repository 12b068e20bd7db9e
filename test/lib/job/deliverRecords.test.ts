import { describe, expect, it } from "vitest";

import { DeadlineError } from "../../../lib/core/errors.js";
import type { EnrichmentRecord } from "../../../lib/core/records/EnrichmentRecord.js";
import { deliverRecords } from "../../../lib/job/deliverRecords.js";
import { correlate, deviceProcess, legacyAlert, mdeAlert, request } from "../../support/timeline.js";
import { memoryDelivery, SETTLE_MS } from "./memoryAdapters.js";

const RECORDS: EnrichmentRecord[] = correlate(
  "precise",
  [mdeAlert(), legacyAlert()],
  [request("10:15:31")],
).records;
const ids = (records: readonly { RecordId: string }[]) => records.map((record) => record.RecordId).sort();
const SETTLE = SETTLE_MS;

function setup() {
  const delivery = memoryDelivery(Date.parse("2026-11-21T00:00:00Z"));
  const deps = delivery.deps();
  // Each run has its own deadline, from when it starts.
  const deliver = () => deliverRecords(RECORDS, delivery.deps());
  // `run` delivers in a new run, with its own deadline from the clock's time.
  const run = (records: readonly EnrichmentRecord[]) => deliverRecords(records, delivery.deps());
  return { ...delivery, deps, deliver, run };
}

describe("deliverRecords", () => {
  it("writes new records to both sinks once, and nothing on a re-run", async () => {
    const { ingestion, ledger, deliver } = setup();
    expect(await deliver()).toMatchObject({
      uploaded: 3,
      alreadyIngested: 0,
      complete: true,
    });
    expect(await deliver()).toMatchObject({
      uploaded: 0,
      alreadyIngested: 3,
      complete: true,
    });
    expect(ingestion.rows.sort()).toEqual(ids(RECORDS));
    expect([...ledger.states.values()].every((state) => state.state === "ingested")).toBe(true);
  });

  it("keeps rejected records pending, reports why, and takes them over once they are older than the settle time", async () => {
    const { ingestion, clock, deliver } = setup();
    ingestion.rejectIds = new Set([RECORDS[0]!.RecordId]);
    const first = await deliver();
    expect(first).toMatchObject({ uploaded: 2, complete: false, failed: [{ reason: "400 InvalidRequest" }] });
    ingestion.rejectIds = new Set();
    clock.now += SETTLE - 1;
    expect(await deliver()).toMatchObject({ uploaded: 0, inFlightElsewhere: 1 });
    clock.now += 1;
    expect(await deliver()).toMatchObject({
      uploaded: 1,
      alreadyIngested: 2,
      takenOver: 1,
      complete: true,
    });
    expect(ingestion.rows.sort()).toEqual(ids(RECORDS));
  });

  it("does not send twice after a crash between the upload and the ledger update", async () => {
    const { ingestion, ledger, clock, workspace, deliver } = setup();
    ledger.failNextMark = true;
    await expect(deliver()).rejects.toThrow(/crash/);
    clock.now += SETTLE;
    expect(await deliver()).toMatchObject({
      uploaded: 0,
      alreadyIngested: 3,
      takenOver: 3,
      complete: true,
    });
    expect(workspace.queries).toHaveLength(1);
    expect(ingestion.rows.sort()).toEqual(ids(RECORDS));
  });

  it("leaves fresh pending records to the run that claimed them, without asking the custom table", async () => {
    const { ledger, deps, workspace, deliver } = setup();
    await ledger.claim(RECORDS, deps.now());
    expect(await deliver()).toMatchObject({
      uploaded: 0,
      inFlightElsewhere: 3,
      complete: false,
    });
    expect(workspace.queries).toEqual([]);
  });

  it("lets exactly one of two runs take a stale record over, on its ETag", async () => {
    const { ledger, ingestion, clock, deliver } = setup();
    await ledger.claim(RECORDS, clock.now);
    clock.now += SETTLE;
    const [a, b] = await Promise.all([deliver(), deliver()]);
    expect(a.takenOver + b.takenOver).toBe(3);
    expect(a.inFlightElsewhere + b.inFlightElsewhere).toBe(3);
    expect(ingestion.rows.sort()).toEqual(ids(RECORDS));
  });

  it("takes over and sends a record the sweep had abandoned when a window produces it again", async () => {
    const { ledger, ingestion, deps, deliver } = setup();
    await ledger.claim(RECORDS.slice(0, 1), deps.now());
    await ledger.markAbandoned([{ recordId: RECORDS[0]!.RecordId, reason: "superseded" }], deps.now());
    expect(await deliver()).toMatchObject({ uploaded: 3, takenOver: 1, complete: true });
    expect(ingestion.rows.sort()).toEqual(ids(RECORDS));
  });

  it("does not start the ledger's calls when less than a second is left, and gives the upload the time left", async () => {
    const { ledger, ingestion, deps, clock } = setup();
    clock.now = deps.deadline.at - 900;
    await expect(deliverRecords(RECORDS, deps)).rejects.toThrow(
      /too little to start the ledger's lookup, claims and takeovers/,
    );
    expect(ledger.states.size).toBe(0);
    clock.now = deps.deadline.at - 5_000;
    await deliverRecords(RECORDS, deps);
    expect(ingestion.timeouts).toEqual([5_000]);
  });

  it("does not start the upload when the ledger's calls left less than a second, and the claims stay pending", async () => {
    const { ledger, ingestion, deps, clock } = setup();
    clock.now = deps.deadline.at - 5_000;
    const claim = ledger.claim.bind(ledger);
    ledger.claim = (records, now) => {
      clock.now += 4_500; // a slow partition
      return claim(records, now);
    };
    await expect(deliverRecords(RECORDS, deps)).rejects.toThrow(DeadlineError);
    expect(ingestion.rows).toEqual([]);
    expect([...ledger.states.values()].map((state) => state.state)).toEqual([
      "pending",
      "pending",
      "pending",
    ]);
  });

  it("aborts the ledger's calls when the budget runs out during them, as a DeadlineError", async () => {
    const { ledger, deps, clock } = setup();
    clock.now = deps.deadline.at - 1_500;
    let signal: AbortSignal | undefined;
    ledger.lookup = (_ids, options) => {
      signal = options?.abortSignal;
      // A call that never answers: it ends only when its signal aborts.
      return new Promise((_, reject) =>
        signal?.addEventListener("abort", () => reject(new Error("aborted"))),
      );
    };
    await expect(deliverRecords(RECORDS, deps)).rejects.toThrow(DeadlineError);
    expect(signal?.aborted).toBe(true);
  });

  describe("a record whose process another source saw after it was delivered", () => {
    // The alert fixture's cmd.exe, as DeviceProcessEvents alone saw it and as the alert names it: one record id.
    const requests = [request("10:15:31")];
    const fromEvents = correlate("precise", { processes: [deviceProcess()] }, requests).records;
    const fromAlert = correlate("precise", [mdeAlert()], requests).records.filter(
      (r) => r.ProcessId === "7340",
    );
    const fromBoth = correlate(
      "precise",
      { alerts: [mdeAlert()], processes: [deviceProcess()] },
      requests,
    ).records.filter((r) => r.ProcessId === "7340");
    const copies = (ingestion: { received: readonly { row: Record<string, unknown> }[] }) =>
      ingestion.received.map(({ row }) => [row.ProcessSource, row.SystemAlertId]);
    const ALERT_ID = fromAlert[0]!.SystemAlertId;
    const BOTH = "SecurityAlert,DeviceProcessEvents";

    it("is sent again once, merged, when the alert arrives after its DeviceProcessEvents row", async () => {
      expect(ids(fromEvents)).toEqual(ids(fromAlert));
      const { ingestion, ledger, run } = setup();
      expect(await run(fromEvents)).toMatchObject({ uploaded: 1, revised: 0 });
      expect(await run(fromAlert)).toMatchObject({
        uploaded: 1,
        revised: 1,
        takenOver: 0,
        alreadyIngested: 0,
        complete: true,
      });
      expect(copies(ingestion)).toEqual([
        ["DeviceProcessEvents", ""],
        [BOTH, ALERT_ID],
      ]);
      expect(ledger.copies.get(fromAlert[0]!.RecordId)).toMatchObject({
        ProcessSource: BOTH,
        SystemAlertId: ALERT_ID,
      });
      // Either copy produced again adds nothing now.
      for (const records of [fromEvents, fromAlert, fromBoth])
        expect(await run(records)).toMatchObject({
          uploaded: 0,
          alreadyIngested: 1,
          revised: 0,
        });
      expect(ingestion.received).toHaveLength(2);
    });

    it("keeps the alert of the copy delivered when the events row comes in a later window", async () => {
      const { ingestion, run } = setup();
      await run(fromAlert);
      expect(await run(fromEvents)).toMatchObject({ uploaded: 1, revised: 1 });
      expect(copies(ingestion)).toEqual([
        ["SecurityAlert", ALERT_ID],
        [BOTH, ALERT_ID],
      ]);
    });

    it("is revised by exactly one of two runs at once", async () => {
      const shared = setup();
      await shared.run(fromEvents);
      // Two runs on one ledger and one custom table.
      const [a, b] = await Promise.all([shared.run(fromAlert), shared.run(fromBoth)]);
      expect(a.revised + b.revised).toBe(1);
      expect(a.inFlightElsewhere + b.inFlightElsewhere).toBe(1);
      expect(copies(shared.ingestion)).toEqual([
        ["DeviceProcessEvents", ""],
        [BOTH, ALERT_ID],
      ]);
    });

    it("is not sent a third time after a crash between the revised upload and the ledger update", async () => {
      const { ingestion, ledger, clock, run } = setup();
      await run(fromEvents);
      ledger.failNextMark = true;
      await expect(run(fromAlert)).rejects.toThrow(/crash/);
      // The ledger holds the revised copy, pending: within the settle time it is left alone, then the custom table
      // is asked, which holds a copy naming both sources.
      expect(await run(fromEvents)).toMatchObject({ uploaded: 0, inFlightElsewhere: 1 });
      clock.now += SETTLE;
      expect(await run(fromEvents)).toMatchObject({
        uploaded: 0,
        takenOver: 1,
        alreadyIngested: 1,
        complete: true,
      });
      expect(copies(ingestion)).toEqual([
        ["DeviceProcessEvents", ""],
        [BOTH, ALERT_ID],
      ]);
    });

    it("is sent by the run that takes it over when the revised upload was refused, with what both copies knew", async () => {
      const { ingestion, clock, run } = setup();
      await run(fromEvents);
      ingestion.rejectIds = new Set([fromAlert[0]!.RecordId]);
      expect(await run(fromAlert)).toMatchObject({
        uploaded: 0,
        revised: 1,
        complete: false,
      });
      ingestion.rejectIds = new Set();
      clock.now += SETTLE;
      // The later run saw the events row only; the ledger's pending copy names the alert.
      expect(await run(fromEvents)).toMatchObject({
        uploaded: 1,
        takenOver: 1,
        complete: true,
      });
      expect(copies(ingestion)).toEqual([
        ["DeviceProcessEvents", ""],
        [BOTH, ALERT_ID],
      ]);
    });
  });
});
