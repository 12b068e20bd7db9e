import { afterEach, beforeAll, describe, expect, it } from "vitest";

import { cliFixtureRecordsWithProcesses, processFixtureRows } from "../support/processFixtureRows.js";
import {
  type AzureHarness,
  loadCliFixtureWorkspace,
  startAzureHarness,
  type WorkspaceData,
} from "./azureHarness.js";
import { ids } from "./expectedRecords.js";

// The scheduled function with DeviceProcessEvents as a second process source (ENRICH_PROCESS_SOURCES), end to end:
// the records the command line gives on the same data reach both sinks with their ProcessSource, and process
// events that arrive late are read by ingestion time like alerts.

const SOURCES = { ENRICH_PROCESS_SOURCES: "alerts,deviceprocessevents" };
let data: WorkspaceData;
let expected: string[];
let harness: AzureHarness;

beforeAll(async () => {
  data = { ...(await loadCliFixtureWorkspace()), processes: await processFixtureRows() };
  expected = ids((await cliFixtureRecordsWithProcesses()).map((record) => ({ RecordId: record.RecordId })));
  expect(expected).toHaveLength(7);
});

afterEach(async () => harness.close());

describe("enrichTimer with DeviceProcessEvents", () => {
  it("writes the commands no alert named to both sinks, with their ProcessSource", async () => {
    harness = await startAzureHarness(data, SOURCES);
    await harness.timer();
    expect(ids(harness.ingestedRows())).toEqual(expected);
    const table = await harness.tableRecords();
    expect(ids(table)).toEqual(expected);
    const sources = (rows: readonly Record<string, unknown>[]) => rows.map((row) => row.ProcessSource).sort();
    expect(sources(harness.ingestedRows())).toEqual(sources(table));
    expect(sources(table)).toEqual([
      "DeviceProcessEvents",
      "DeviceProcessEvents",
      "DeviceProcessEvents",
      "DeviceProcessEvents",
      "SecurityAlert",
      "SecurityAlert",
      "SecurityAlert,DeviceProcessEvents",
    ]);
    expect(harness.la.requests.map((r) => r.query.split("\n")[0])).toEqual([
      "SecurityAlert",
      "let processes = DeviceProcessEvents",
      "let intervals = datatable(HostKey: string, From: datetime, To: datetime) [",
      "let intervals = datatable(HostKey: string, From: datetime, To: datetime) [",
    ]);
    expect(harness.logs.join("\n")).toContain(
      "DeviceProcessEvents: 2 benign child process(es) of IIS left out (conhost.exe × 2)",
    );
  });

  it("reads process events by ingestion time: those still inside the ingestion delay wait for the next run", async () => {
    const arriving = "2026-11-21T23:58:00.000Z"; // 2 minutes before the first run, inside its 5-minute delay
    harness = await startAzureHarness(
      { ...data, processes: await processFixtureRows({ _ingestionTime: arriving }) },
      SOURCES,
    );
    await harness.timer();
    const first = harness.ingestedRows().map((row) => row.ProcessSource);
    expect(first.sort()).toEqual(["SecurityAlert", "SecurityAlert", "SecurityAlert"]);
    harness.clock.now += 15 * 60_000;
    await harness.timer();
    // The next run reads the late rows. The process the alert named keeps its record id whichever source saw it; its
    // row from DeviceProcessEvents adds a source the delivered copy lacks, so the record is sent once more, merged
    // (the alert's id kept); the four processes no alert named are new.
    expect(harness.logs.join("\n")).toMatch(
      /5 record\(s\) correlated, 5 written, 0 already present, 0 taken over, 1 revised/,
    );
    await expectLatestCopies(harness, expected);
    harness.clock.now += 15 * 60_000;
    await harness.timer();
    expect(harness.ingestedRows()).toHaveLength(expected.length + 1);
  });

  it("sends a record again, once, when the alert naming its process arrives after its DeviceProcessEvents row", async () => {
    // SecurityAlert's TimeGenerated is its ingestion time: the alerts reach the workspace two minutes after the
    // first run, whose window the process events are in.
    const arriving = "2026-11-22T00:02:00.000Z";
    harness = await startAzureHarness(
      { ...data, alerts: data.alerts.map((alert) => ({ ...alert, TimeGenerated: arriving })) },
      SOURCES,
    );
    await harness.timer();
    const first = harness.ingestedRows();
    expect(first.map((row) => [row.ProcessSource, row.SystemAlertId])).toEqual(
      first.map(() => ["DeviceProcessEvents", ""]),
    );
    harness.clock.now += 15 * 60_000;
    await harness.timer();
    expect(harness.logs.join("\n")).toMatch(
      /correlated, 3 written, 0 already present, 0 taken over, 1 revised/,
    );
    await expectLatestCopies(harness, expected);
    // A copy that arrives later than the first raises nothing: one alert per record.
    expect([...harness.ruleAlerts().values()]).toEqual(expected.map(() => 1));
    harness.clock.now += 15 * 60_000;
    await harness.timer();
    expect(harness.ingestedRows()).toHaveLength(expected.length + 1);
  });
});

/**
 * Every record's latest copy in the custom table (what the workbook and the rule keep) and its Table Storage entity
 * name the sources of the CLI's answer on all the data, with its alert.
 */
async function expectLatestCopies(harness: AzureHarness, expectedIds: readonly string[]) {
  const want = new Map(
    (await cliFixtureRecordsWithProcesses()).map((record) => [
      record.RecordId,
      [record.ProcessSource, record.SystemAlertId],
    ]),
  );
  const latest = new Map<string, Record<string, unknown>>();
  for (const row of harness.ingestedRows()) {
    const kept = latest.get(String(row.RecordId));
    if (kept === undefined || String(row.EnrichedAt) >= String(kept.EnrichedAt))
      latest.set(String(row.RecordId), row);
  }
  expect(ids([...latest.values()])).toEqual(expectedIds);
  for (const [id, row] of latest) expect([row.ProcessSource, row.SystemAlertId], id).toEqual(want.get(id));
  for (const entity of await harness.tableRecords())
    expect([entity.ProcessSource, entity.SystemAlertId], String(entity.RecordId)).toEqual(
      want.get(String(entity.RecordId)),
    );
}
