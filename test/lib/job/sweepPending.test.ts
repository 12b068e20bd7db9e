import { beforeAll, describe, expect, it } from "vitest";

import { Diagnostics } from "../../../lib/core/Diagnostics.js";
import { DEFAULT_ENGINE_OPTIONS } from "../../../lib/core/model/EngineOptions.js";
import type { EnrichmentRecord } from "../../../lib/core/records/EnrichmentRecord.js";
import { collectRecords } from "../../../lib/job/collectRecords.js";
import { Deadline } from "../../../lib/job/Deadline.js";
import { SWEEP_LIMIT, type SweepContext, sweepPending } from "../../../lib/job/sweepPending.js";
import type { W3CIISLogRow } from "../../../tools/doubles/fakeWorkspace.js";
import { loadCliFixtureWorkspace, type WorkspaceData } from "../../functions/azureHarness.js";
import {
  FakeWorkspaceQuery,
  memoryDelivery,
  MemoryIngestion,
  type MemoryLedger,
  SETTLE_MS,
} from "./memoryAdapters.js";

// The CLI fixtures as the workspace holds them: two alerts on web01 whose three records attribute commands to
// /uploads/help.aspx, requested by one client address (rare: at most 3).
const RUN_AT = Date.parse("2026-11-21T00:00:00Z");
const BASELINE_TO = RUN_AT - 5 * 60_000;
const PRECISE: SweepContext = {
  produced: new Set(),
  engine: DEFAULT_ENGINE_OPTIONS,
  baselineTo: BASELINE_TO,
};

let data: WorkspaceData;
let records: EnrichmentRecord[];

beforeAll(async () => {
  data = await loadCliFixtureWorkspace();
  const collected = await collectRecords(
    {
      engine: DEFAULT_ENGINE_OPTIONS,
      window: { from: Date.parse("2026-11-20T00:00:00Z"), to: BASELINE_TO },
      alertsBy: "ingestion",
      deadline: Deadline.none(Date.now),
    },
    new FakeWorkspaceQuery(new MemoryIngestion(), data),
    new Diagnostics(),
    () => RUN_AT,
  );
  records = collected.records;
  expect(records).toHaveLength(3);
});

/** A run that crashed after claiming `records`, and a sweep `SETTLE` later over `workspace`'s data. */
async function afterCrash(
  workspaceData: WorkspaceData = data,
  claimed: readonly EnrichmentRecord[] = records,
) {
  const delivery = memoryDelivery(RUN_AT, workspaceData);
  await delivery.ledger.claim(claimed, delivery.clock.now);
  delivery.clock.now += SETTLE_MS;
  const sweep = (context: SweepContext = PRECISE) => sweepPending(context, delivery.deps());
  return { ...delivery, sweep };
}

const stateOf = (ledger: MemoryLedger) => records.map((record) => ledger.states.get(record.RecordId)?.state);
const idsOf = (list: readonly EnrichmentRecord[]) => list.map((record) => record.RecordId).sort();

describe("sweepPending", () => {
  it("leaves pending records younger than the settle time alone", async () => {
    const { ledger, clock, sweep } = await afterCrash();
    clock.now -= 1;
    expect(await sweep()).toMatchObject({ found: 0, resent: 0, abandoned: [] });
    expect(stateOf(ledger)).toEqual(["pending", "pending", "pending"]);
  });

  it("leaves the records this run's windows produced to their delivery", async () => {
    const { sweep } = await afterCrash();
    expect(await sweep({ ...PRECISE, produced: new Set(idsOf(records)) })).toMatchObject({ found: 0 });
  });

  it("rechecks an orphan of its mode and resends it when its alert still yields it", async () => {
    const { ledger, ingestion, sweep } = await afterCrash();
    expect(await sweep()).toMatchObject({ found: 3, resent: 3, alreadyIngested: 0, abandoned: [] });
    expect([...ingestion.rows].sort()).toEqual(idsOf(records));
    expect(stateOf(ledger)).toEqual(["ingested", "ingested", "ingested"]);
  });

  it("abandons, with the reason, an orphan whose alert read again no longer yields it (its page is no longer rare)", async () => {
    const visitors: W3CIISLogRow[] = ["198.51.100.21", "198.51.100.22", "198.51.100.23"].map((cIP, i) => ({
      TimeGenerated: `2026-11-20T2${i}:00:00.000Z`,
      sSiteName: "W3SVC1",
      sComputerName: "WEB01",
      sIP: "10.1.0.11",
      csMethod: "GET",
      csUriStem: "/uploads/help.aspx",
      cIP,
      scStatus: "200",
    }));
    const { ledger, ingestion, sweep } = await afterCrash({ ...data, iis: [...data.iis, ...visitors] });
    const result = await sweep();
    expect(result).toMatchObject({ found: 3, resent: 0 });
    expect(result.abandoned.map((entry) => entry.recordId).sort()).toEqual(idsOf(records));
    for (const { reason } of result.abandoned)
      expect(reason).toMatch(/^superseded: alert \S+ read again no longer yields this record \(its page/);
    expect(stateOf(ledger)).toEqual(["abandoned", "abandoned", "abandoned"]);
    expect(ingestion.rows).toEqual([]);
  });

  it("resends from the ledger's copy an orphan whose alert is not found again, and one of the other mode", async () => {
    const { ingestion, workspace, sweep } = await afterCrash({ alerts: [], iis: data.iis });
    expect(await sweep()).toMatchObject({ resent: 3, abandoned: [] });
    expect([...ingestion.rows].sort()).toEqual(idsOf(records));

    const other = await afterCrash();
    const before = other.workspace.queries.length;
    expect(
      await other.sweep({ ...PRECISE, engine: { ...DEFAULT_ENGINE_OPTIONS, mode: "compat" } }),
    ).toMatchObject({ resent: 3 });
    // Only the "which are ingested" query: the other mode's records are not rechecked.
    expect(other.workspace.queries.slice(before)).toHaveLength(1);
    expect(workspace.queries.length).toBeGreaterThan(1);
  });

  it("marks ingested, without resending, the orphans the custom table already has", async () => {
    const { ledger, ingestion, sweep } = await afterCrash();
    await ingestion.upload(records.slice(0, 1), { timeoutMs: 1_000 });
    expect(await sweep()).toMatchObject({ found: 3, alreadyIngested: 1, resent: 2 });
    expect(ingestion.rows).toHaveLength(3);
    expect(stateOf(ledger)).toEqual(["ingested", "ingested", "ingested"]);
  });

  it("leaves to another run the orphans it took over first", async () => {
    const { ingestion, sweep } = await afterCrash();
    const [a, b] = await Promise.all([sweep(), sweep()]);
    expect(a.resent + b.resent).toBe(3);
    expect(a.inFlightElsewhere + b.inFlightElsewhere).toBe(3);
    expect(ingestion.rows).toHaveLength(3);
  });

  it("abandons an orphan whose ledger copy cannot be read back, saying why", async () => {
    const { ledger, sweep } = await afterCrash();
    ledger.copies.delete(records[0]!.RecordId);
    expect((await sweep()).abandoned).toEqual([
      { recordId: records[0]!.RecordId, reason: "its ledger copy cannot be read back (unknown)" },
    ]);
  });

  it(`sweeps at most ${SWEEP_LIMIT} records a run`, async () => {
    const many = Array.from({ length: SWEEP_LIMIT + 20 }, (_, i) => ({
      ...records[0]!,
      MatchMode: "compat" as const,
      RecordId: i.toString(16).padStart(32, "0"),
    }));
    const { sweep } = await afterCrash(data, many);
    expect(await sweep()).toMatchObject({ found: SWEEP_LIMIT, resent: SWEEP_LIMIT });
    expect(await sweep()).toMatchObject({ found: 20, resent: 20 });
  });
});
