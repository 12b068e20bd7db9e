import { LogsQueryClient, LogsQueryResultStatus } from "@azure/monitor-query-logs";
import { describe, expect, it } from "vitest";

import { MAX_LINKED_GENERATIONS } from "../../../lib/core/correlate/precise/WebShellProcessTree.js";
import {
  buildDeviceProcessQuery,
  type DeviceProcessQueryParams,
} from "../../../lib/job/kql/buildDeviceProcessQuery.js";
import { createFakeWorkspace, type DeviceProcessEventsRow } from "../../../tools/doubles/fakeWorkspace.js";
import { startLogAnalyticsServer } from "../../../tools/doubles/startLogAnalyticsServer.js";
import { staticTokenCredential } from "../../../tools/doubles/staticTokenCredential.js";
import { kqlResultColumns } from "../../support/kusto.js";

const at = (time: string) => Date.parse(`2024-05-01T${time}Z`);
const iso = (time: string) => new Date(at(time)).toISOString();
const WHOLE_DAY = `${iso("00:00:00")}/${iso("23:59:59")}`;
const PARAMS: DeviceProcessQueryParams = {
  from: at("10:00:00"),
  to: at("11:00:00"),
  by: "ingestion",
  workerImages: ["w3wp.exe"],
};

const WEB01 = "aa01";
const WORKER = { FileName: "w3wp.exe", ProcessId: 4816, ProcessCreationTime: iso("06:00:00") };

/** A process creation on a device, started by `parent` (whose own parent is `grandparent`'s image). */
function row(
  device: string,
  process: { FileName: string; ProcessId: number; ProcessCreationTime: string },
  parent: { FileName: string; ProcessId: number; ProcessCreationTime: string },
  grandparent: string,
  extra: Partial<DeviceProcessEventsRow> = {},
): DeviceProcessEventsRow {
  return {
    TimeGenerated: process.ProcessCreationTime,
    DeviceId: device,
    DeviceName: `${device}.contoso.local`,
    ActionType: "ProcessCreated",
    ...process,
    ProcessCommandLine: process.FileName,
    InitiatingProcessFileName: parent.FileName,
    InitiatingProcessId: parent.ProcessId,
    InitiatingProcessCreationTime: parent.ProcessCreationTime,
    InitiatingProcessParentFileName: grandparent,
    ...extra,
  };
}

// w3wp → cmd → powershell (direct), then net → net1 → rundll32 → notepad, each linked to its parent.
const chain = [{ FileName: "cmd.exe", ProcessId: 7000, ProcessCreationTime: iso("10:10:00") }];
for (const [i, image] of ["powershell.exe", "net.exe", "net1.exe", "rundll32.exe", "notepad.exe"].entries())
  chain.push({ FileName: image, ProcessId: 7001 + i, ProcessCreationTime: iso(`10:10:0${i + 1}`) });
const CHAIN_ROWS = chain.map((process, i) =>
  row(
    WEB01,
    process,
    i === 0 ? WORKER : chain[i - 1]!,
    i === 0 ? "svchost.exe" : i === 1 ? "w3wp.exe" : chain[i - 2]!.FileName,
  ),
);

describe("createFakeWorkspace: buildDeviceProcessQuery", () => {
  const ids = (rows: DeviceProcessEventsRow[], params = PARAMS, timespan = WHOLE_DAY) =>
    createFakeWorkspace({ alerts: [], iis: [], processes: rows })({
      query: buildDeviceProcessQuery(params),
      timespan,
    }).rows.map((cells) => cells[5]);

  it(`finds the worker's children and grandchildren and ${MAX_LINKED_GENERATIONS} linked generations below them, in any order`, () => {
    expect(ids(CHAIN_ROWS)).toEqual([7000, 7001, 7002, 7003, 7004]);
    expect(ids([...CHAIN_ROWS].reverse())).toEqual([7004, 7003, 7002, 7001, 7000]);
  });

  it("keeps to process creations ingested in the window, and to devices where the worker started something", () => {
    const late = row(
      WEB01,
      { FileName: "cmd.exe", ProcessId: 7100, ProcessCreationTime: iso("10:20:00") },
      WORKER,
      "svchost.exe",
      {
        _ingestionTime: iso("11:00:00"),
      },
    );
    const opened = row(
      WEB01,
      { FileName: "cmd.exe", ProcessId: 7101, ProcessCreationTime: iso("10:20:00") },
      WORKER,
      "svchost.exe",
      {
        ActionType: "OpenProcess",
      },
    );
    // The same ids and times on another device, whose worker started nothing: its rows do not link to web01's.
    const elsewhere = CHAIN_ROWS.slice(2).map((r) => ({
      ...r,
      DeviceId: "bb02",
      DeviceName: "bb02.contoso.local",
    }));
    expect(ids([late, opened, ...elsewhere, CHAIN_ROWS[0]!])).toEqual([7000]);
  });

  it("reads by TimeGenerated on demand, the end exclusive, within the request's timespan", () => {
    const byTime = { ...PARAMS, by: "time" as const, to: at("10:10:01") };
    expect(ids(CHAIN_ROWS, byTime)).toEqual([7000]);
    expect(ids(CHAIN_ROWS, PARAMS, `${iso("10:10:01")}/${iso("23:00:00")}`)).toEqual([
      7001, 7002, 7003, 7004,
    ]);
  });

  it("answers the columns and types the Kusto language service infers", () => {
    const query = buildDeviceProcessQuery(PARAMS);
    const answer = createFakeWorkspace({ alerts: [], iis: [], processes: CHAIN_ROWS })({
      query,
      timespan: WHOLE_DAY,
    });
    expect(answer.columns).toEqual(kqlResultColumns(query));
  });

  it("serves the table to LogsQueryClient: process ids as numbers, times as Date", async () => {
    const server = await startLogAnalyticsServer({
      answer: createFakeWorkspace({ alerts: [], iis: [], processes: CHAIN_ROWS }),
    });
    try {
      const client = new LogsQueryClient(staticTokenCredential(), {
        ...server.clientOptions,
        retryOptions: { maxRetries: 0 },
      });
      const range = { startTime: new Date(at("00:00:00")), endTime: new Date(at("23:59:59")) };
      const result = await client.queryWorkspace("workspace", buildDeviceProcessQuery(PARAMS), range);
      expect(result.status).toBe(LogsQueryResultStatus.Success);
      if (result.status !== LogsQueryResultStatus.Success) return;
      const [first] = result.tables[0]?.rows ?? [];
      expect(first?.slice(0, 8)).toEqual([
        new Date(iso("10:10:00")),
        WEB01,
        "aa01.contoso.local",
        "ProcessCreated",
        "cmd.exe",
        7000,
        "cmd.exe",
        new Date(iso("10:10:00")),
      ]);
    } finally {
      await server.close();
    }
  });
});
