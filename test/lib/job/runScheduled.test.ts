import { describe, expect, it } from "vitest";

import { parseConfig } from "../../../lib/job/config/parseConfig.js";
import type { JobDeps, WorkspaceQuery } from "../../../lib/job/ports.js";
import { runScheduled, splitWindow } from "../../../lib/job/runScheduled.js";
import { MemoryCheckpoints, MemoryIngestion, MemoryLedger } from "./memoryAdapters.js";

const CONFIG = parseConfig({
  LOG_ANALYTICS_WORKSPACE_ID: "3f0c5a1e-8b2d-4c7e-9a6f-1d2e3b4c5a6f",
  LOGS_INGESTION_ENDPOINT: "https://dce.example.ingest.monitor.azure.com",
  LOGS_INGESTION_RULE_ID: "dcr-0123456789abcdef0123456789abcdef",
  ENRICHMENT_TABLE_CONNECTION: "UseDevelopmentStorage=true",
  ENRICH_FIRST_RUN_LOOKBACK: "P1D",
  ENRICH_OVERLAP: "PT0S",
  ENRICH_INGESTION_DELAY: "PT0S",
  ENRICH_MAX_WINDOW: "PT1H",
  ENRICH_TIME_BUDGET: "PT8M",
});
const START = Date.parse("2026-11-21T00:00:00Z");

/** A workspace with no alerts whose every query takes a minute of the run's clock. */
function slowEmptyWorkspace(clock: { now: number }): WorkspaceQuery & { windows: string[] } {
  const windows: string[] = [];
  return {
    windows,
    query(kql) {
      clock.now += 60_000;
      windows.push(/datetime\(([^)]+)\)/.exec(kql)?.[1] ?? "");
      return Promise.resolve([]);
    },
  };
}

function deps(clock: { now: number }, checkpoints = new MemoryCheckpoints()) {
  const lines: string[] = [];
  const workspace = slowEmptyWorkspace(clock);
  const value: JobDeps = {
    config: CONFIG,
    workspace,
    ledger: new MemoryLedger(),
    ingestion: new MemoryIngestion(),
    checkpoints,
    now: () => clock.now,
    log: { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) },
  };
  return { value, lines, workspace, checkpoints };
}

describe("runScheduled", () => {
  it("stops starting windows when the time budget is spent, with the watermark after the last whole window", async () => {
    const clock = { now: START };
    const { value, lines, workspace } = deps(clock);
    const summary = await runScheduled(value);
    expect(summary).toMatchObject({ windows: 8, stoppedByBudget: true });
    expect(workspace.windows[0]).toBe("2026-11-20T00:00:00.000Z");
    expect(summary.watermarkAfter).toBe(Date.parse("2026-11-20T08:00:00Z"));
    expect(lines).toEqual([
      expect.stringMatching(/^enrichment run timer-precise: 8 window\(s\).*\(time budget reached\)/),
    ]);
  });

  it("continues from the watermark on the next run", async () => {
    const clock = { now: START };
    const first = deps(clock);
    await runScheduled(first.value);
    const second = deps(clock, first.checkpoints);
    await runScheduled(second.value);
    expect(second.workspace.windows[0]).toBe("2026-11-20T08:00:00.000Z");
  });
});

describe("splitWindow", () => {
  it("splits a range into windows of at most the given size", () => {
    expect(splitWindow({ from: 0, to: 25 }, 10)).toEqual([
      { from: 0, to: 10 },
      { from: 10, to: 20 },
      { from: 20, to: 25 },
    ]);
  });

  it("gives no window for an empty range", () => {
    expect(splitWindow({ from: 10, to: 10 }, 5)).toEqual([]);
    expect(splitWindow({ from: 10, to: 0 }, 5)).toEqual([]);
  });
});
