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
    // The next run reads the late rows. The process the alert named keeps its record id whichever source saw it,
    // so its row is not sent twice; the four processes no alert named are new.
    expect(ids(harness.ingestedRows())).toEqual(expected);
    expect(harness.logs.join("\n")).toMatch(/5 record\(s\) correlated, 4 written, 1 already present/);
  });
});
