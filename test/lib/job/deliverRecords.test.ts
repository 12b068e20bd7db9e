import { describe, expect, it } from "vitest";

import type { EnrichmentRecord } from "../../../lib/core/records/EnrichmentRecord.js";
import { deliverRecords } from "../../../lib/job/deliverRecords.js";
import { correlate, legacyAlert, mdeAlert, request } from "../../support/timeline.js";
import { MemoryCustomTable, MemoryIngestion, MemoryLedger } from "./memoryAdapters.js";

const RECORDS: EnrichmentRecord[] = correlate(
  "precise",
  [mdeAlert(), legacyAlert()],
  [request("10:15:31")],
).records;
const ids = (records: readonly { RecordId: string }[]) => records.map((record) => record.RecordId).sort();

function setup() {
  const ledger = new MemoryLedger();
  const ingestion = new MemoryIngestion();
  const workspace = new MemoryCustomTable(ingestion);
  let clock = 1_000_000;
  const deps = {
    ledger,
    ingestion,
    workspace,
    customTable: "WebShellEnrichment_CL",
    now: () => clock,
    settleMs: 60_000,
  };
  return { ledger, ingestion, workspace, deps, advance: (ms: number) => (clock += ms) };
}

describe("deliverRecords", () => {
  it("writes new records to both sinks once, and nothing on a re-run", async () => {
    const { ingestion, ledger, deps } = setup();
    expect(await deliverRecords(RECORDS, deps)).toMatchObject({
      uploaded: 3,
      alreadyIngested: 0,
      complete: true,
    });
    expect(await deliverRecords(RECORDS, deps)).toMatchObject({
      uploaded: 0,
      alreadyIngested: 3,
      complete: true,
    });
    expect(ingestion.rows.sort()).toEqual(ids(RECORDS));
    expect([...ledger.states.values()].every((state) => state.state === "ingested")).toBe(true);
  });

  it("keeps rejected records pending, reports why, and sends them on a later run", async () => {
    const { ingestion, deps, advance } = setup();
    ingestion.rejectIds = new Set([RECORDS[0]!.RecordId]);
    const first = await deliverRecords(RECORDS, deps);
    expect(first).toMatchObject({ uploaded: 2, complete: false, failed: [{ reason: "400 InvalidRequest" }] });
    ingestion.rejectIds = new Set();
    advance(60_000);
    expect(await deliverRecords(RECORDS, deps)).toMatchObject({
      uploaded: 1,
      alreadyIngested: 2,
      complete: true,
    });
    expect(ingestion.rows.sort()).toEqual(ids(RECORDS));
  });

  it("does not send twice after a crash between the upload and the ledger update", async () => {
    const { ingestion, ledger, deps, advance } = setup();
    ledger.failNextMark = true;
    await expect(deliverRecords(RECORDS, deps)).rejects.toThrow(/crash/);
    advance(60_000);
    expect(await deliverRecords(RECORDS, deps)).toMatchObject({
      uploaded: 0,
      alreadyIngested: 3,
      complete: true,
    });
    expect(ingestion.rows.sort()).toEqual(ids(RECORDS));
  });

  it("leaves fresh pending records to the run that claimed them", async () => {
    const { ledger, deps, workspace } = setup();
    await ledger.claim(RECORDS, deps.now());
    expect(await deliverRecords(RECORDS, deps)).toMatchObject({
      uploaded: 0,
      inFlightElsewhere: 3,
      complete: false,
    });
    expect(workspace.queries).toBe(0);
  });
});
