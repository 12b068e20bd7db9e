import { readFile } from "node:fs/promises";

import { parse } from "csv-parse/sync";

import { Diagnostics } from "../../lib/core/Diagnostics.js";
import { DEFAULT_ENGINE_OPTIONS, type TimeRange } from "../../lib/core/model/EngineOptions.js";
import { runOffline } from "../../lib/job/runOffline.js";
import type { DeviceProcessEventsRow } from "../../tools/doubles/fakeWorkspace.js";

/** The Advanced Hunting export of `test/fixtures/processes/` (one web-shell session on web01). */
export const PROCESS_FIXTURE = "test/fixtures/processes/advanced-hunting.csv";

const LONG = new Set(["ProcessId", "InitiatingProcessId", "InitiatingProcessParentId", "ReportId"]);

/**
 * That export as a workspace's DeviceProcessEvents holds it: `TimeGenerated` for Advanced Hunting's `Timestamp`,
 * `long` columns as numbers, its damaged row left out (the table cannot hold it), and `extra` on every row (say,
 * an `_ingestionTime`).
 */
export async function processFixtureRows(
  extra: Partial<DeviceProcessEventsRow> = {},
): Promise<DeviceProcessEventsRow[]> {
  const rows = parse<Record<string, string>>(await readFile(PROCESS_FIXTURE, "utf8"), { columns: true });
  return rows
    .filter((row) => !Number.isNaN(Date.parse(row.ProcessCreationTime ?? "")))
    .map(({ Timestamp, ...columns }) => ({
      TimeGenerated: Timestamp ?? "",
      ...Object.fromEntries(
        Object.entries(columns).map(([name, value]) => [name, LONG.has(name) ? Number(value) : value]),
      ),
      ...extra,
    }));
}

/** What the command line finds on the CLI fixtures (`test/fixtures/cli`) with this export as `--processes`. */
export async function cliFixtureRecordsWithProcesses(range?: TimeRange) {
  const result = await runOffline(
    {
      alerts: ["test/fixtures/cli/alerts.jsonl"],
      processes: [PROCESS_FIXTURE],
      iis: [{ path: "test/fixtures/cli/iis" }],
      range,
    },
    DEFAULT_ENGINE_OPTIONS,
    new Diagnostics(),
    () => 0,
  );
  return [...result.records];
}
