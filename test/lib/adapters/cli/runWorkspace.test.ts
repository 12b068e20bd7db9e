import { LogsQueryClient } from "@azure/monitor-query-logs";
import { describe, expect, it } from "vitest";

import { LogAnalyticsWorkspace } from "../../../../lib/adapters/azure/LogAnalyticsWorkspace.js";
import { runWorkspace } from "../../../../lib/adapters/cli/runWorkspace.js";
import { Diagnostics } from "../../../../lib/core/Diagnostics.js";
import {
  DEFAULT_ENGINE_OPTIONS,
  type ProcessSourceSetting,
} from "../../../../lib/core/model/EngineOptions.js";
import { toJsonRecord } from "../../../../lib/core/records/toJsonRecord.js";
import { createFakeWorkspace } from "../../../../tools/doubles/fakeWorkspace.js";
import { startLogAnalyticsServer } from "../../../../tools/doubles/startLogAnalyticsServer.js";
import { staticTokenCredential } from "../../../../tools/doubles/staticTokenCredential.js";
import { loadCliFixtureWorkspace, WORKSPACE_ID } from "../../../functions/azureHarness.js";
import { cliRecords, withoutStamp } from "../../../functions/expectedRecords.js";
import { cliFixtureRecordsWithProcesses, processFixtureRows } from "../../../support/processFixtureRows.js";
import { runCli } from "../../../support/runCli.js";

const RANGE = { from: Date.parse("2026-11-20T00:00:00Z"), to: Date.parse("2026-11-21T00:00:00Z") };
describe("enrich --workspace", () => {
  it("finds in a workspace what the files give, through the real query client", async () => {
    const server = await startLogAnalyticsServer({
      answer: createFakeWorkspace(await loadCliFixtureWorkspace()),
    });
    try {
      const client = new LogsQueryClient(staticTokenCredential(), server.clientOptions);
      const result = await runWorkspace(
        { workspace: WORKSPACE_ID, endpoint: server.endpoint, range: RANGE },
        DEFAULT_ENGINE_OPTIONS,
        new Diagnostics(),
        () => 0,
        new LogAnalyticsWorkspace(client, WORKSPACE_ID),
      );
      expect(result.records.map((record) => withoutStamp(toJsonRecord(record)))).toEqual(
        await cliRecords("precise", RANGE),
      );
    } finally {
      await server.close();
    }
  });

  it("finds the commands DeviceProcessEvents holds as the files give them, with ENRICH_PROCESS_SOURCES' sources", async () => {
    const data = { ...(await loadCliFixtureWorkspace()), processes: await processFixtureRows() };
    const server = await startLogAnalyticsServer({ answer: createFakeWorkspace(data) });
    try {
      const client = new LogsQueryClient(staticTokenCredential(), server.clientOptions);
      const sources: ProcessSourceSetting[] = ["alerts", "deviceprocessevents"];
      const result = await runWorkspace(
        { workspace: WORKSPACE_ID, endpoint: server.endpoint, range: RANGE },
        { ...DEFAULT_ENGINE_OPTIONS, processSources: sources },
        new Diagnostics(),
        () => 0,
        new LogAnalyticsWorkspace(client, WORKSPACE_ID),
      );
      const offline = await cliFixtureRecordsWithProcesses(RANGE);
      const json = (records: typeof offline) => records.map((r) => withoutStamp(toJsonRecord(r)));
      expect(json(result.records)).toEqual(json(offline));
      expect(new Set(result.records.map((r) => r.ProcessSource))).toEqual(
        new Set(["SecurityAlert", "DeviceProcessEvents", "SecurityAlert,DeviceProcessEvents"]),
      );
      expect(Object.fromEntries(result.processes.benignExcluded)).toEqual({ "conhost.exe": 2 });
    } finally {
      await server.close();
    }
  });

  it.each([
    [
      ["--workspace", "not-a-guid", "--from", "2026-11-20T00:00:00Z", "--to", "2026-11-21T00:00:00Z"],
      /--workspace must be a workspace id/,
    ],
    [["--workspace", WORKSPACE_ID], /--workspace needs --from and --to/],
    [
      [
        "--workspace",
        WORKSPACE_ID,
        "--alerts",
        "a.json",
        "--from",
        "2026-11-20T00:00:00Z",
        "--to",
        "2026-11-21T00:00:00Z",
      ],
      /--workspace replaces --alerts, --processes and --iis/,
    ],
    [
      [
        "--workspace",
        WORKSPACE_ID,
        "--from",
        "2026-11-20T00:00:00Z",
        "--to",
        "2026-11-21T00:00:00Z",
        "--endpoint",
        "http://x/v1",
      ],
      /--endpoint must be an https:\/\/ URL/,
    ],
  ])("exits 2 on bad workspace usage %#", async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
