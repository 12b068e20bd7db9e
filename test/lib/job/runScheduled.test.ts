import { describe, expect, it } from "vitest";

import { MatchLimitError } from "../../../lib/core/errors.js";
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
function slowEmptyWorkspace(clock: {
  now: number;
}): WorkspaceQuery & { windows: string[]; limits: [number, number][] } {
  const windows: string[] = [];
  const limits: [number, number][] = [];
  return {
    windows,
    limits,
    query(kql, options) {
      limits.push([options.serverTimeoutSeconds, options.clientTimeoutMs]);
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
    expect(summary.stopped).toEqual({
      at: Date.parse("2026-11-20T08:00:00Z"),
      reason: "time budget: 0 s left, a window needs 60 s",
    });
    expect(summary.sweep).toBeUndefined();
    expect(lines).toEqual([
      expect.stringMatching(
        /^enrichment run timer-precise: 8 window\(s\).*\(stopped at 2026-11-20T08:00:00.000Z: time budget/,
      ),
    ]);
  });

  it("gives each query its server timeout and client wait from the time left of the one deadline", async () => {
    const clock = { now: START };
    const { value, workspace } = deps(clock);
    await runScheduled(value);
    expect(workspace.limits).toEqual([
      [475, 480_000],
      [415, 420_000],
      [355, 360_000],
      [295, 300_000],
      [235, 240_000],
      [175, 180_000],
      [115, 120_000],
      [55, 60_000],
    ]);
  });

  it("does not start a window when less time is left than the longest window of the run took", async () => {
    const clock = { now: START };
    const { value, workspace } = deps(clock);
    let calls = 0;
    const query = workspace.query.bind(workspace);
    // The first window takes 3 minutes, the others one: after 3 + 3 × 1 minutes, 2 are left, less than 3.
    value.workspace = {
      query: (kql, options) => {
        calls += 1;
        if (calls === 1) clock.now += 120_000;
        return query(kql, options);
      },
    };
    const summary = await runScheduled(value);
    expect(summary).toMatchObject({ windows: 4, stoppedByBudget: true });
    expect(summary.stopped?.reason).toBe("time budget: 120 s left, a window needs 180 s");
  });

  it("continues from the watermark on the next run", async () => {
    const clock = { now: START };
    const first = deps(clock);
    await runScheduled(first.value);
    const second = deps(clock, first.checkpoints);
    await runScheduled(second.value);
    expect(second.workspace.windows[0]).toBe("2026-11-20T08:00:00.000Z");
  });

  it("reads the windows once more ENRICH_SECOND_LOOK later, with their own watermark, once the first pass is done", async () => {
    // A run at 10:00 whose first pass has one hour to read (one minute): it completes, and the second look (2 h)
    // starts where the first run started (its own watermark has none yet) and reads towards 08:00 in what is left of
    // the budget: seven windows of a minute each.
    const clock = { now: START + 10 * 3_600_000 };
    const checkpoints = new MemoryCheckpoints();
    await checkpoints.write("timer-precise", START + 9 * 3_600_000, undefined);
    const { value, workspace, lines } = deps(clock, checkpoints);
    const summary = await runScheduled(value);
    expect(summary).toMatchObject({ windows: 1, watermarkAfter: START + 10 * 3_600_000 });
    expect(summary.stopped).toBeUndefined();
    expect(summary.secondLook).toMatchObject({
      job: "timer-precise-second-look",
      watermarkBefore: undefined,
      windows: 7,
      watermarkAfter: Date.parse("2026-11-20T17:00:00Z"),
      stoppedByBudget: true,
    });
    expect(workspace.windows.slice(0, 3)).toEqual([
      "2026-11-21T09:00:00.000Z",
      "2026-11-20T10:00:00.000Z",
      "2026-11-20T11:00:00.000Z",
    ]);
    expect(await checkpoints.read("timer-precise-second-look")).toMatchObject({
      value: Date.parse("2026-11-20T17:00:00Z"),
    });
    expect(lines.join("\n")).toMatch(
      /second look: 7 window\(s\), 0 record\(s\) correlated, 0 written, 0 revised, watermark none -> 2026-11-20T17:00:00.000Z \(stopped at 2026-11-20T17:00:00.000Z: time budget/,
    );
  });

  it("does not look a second time when ENRICH_SECOND_LOOK is PT0S", async () => {
    const clock = { now: START + 10 * 3_600_000 };
    const checkpoints = new MemoryCheckpoints();
    await checkpoints.write("timer-precise", START + 9 * 3_600_000, undefined);
    const { value, workspace } = deps(clock, checkpoints);
    value.config = { ...CONFIG, secondLookMs: 0 };
    expect((await runScheduled(value)).secondLook).toBeUndefined();
    expect(workspace.windows).toEqual(["2026-11-21T09:00:00.000Z"]);
  });
});

describe("runScheduled and a window too big to hold", () => {
  it("splits a window that gives more records than a run holds, passes over the burst's minute, names it, and fails the run", async () => {
    const clock = { now: START + 10 * 3_600_000 };
    const checkpoints = new MemoryCheckpoints();
    await checkpoints.write("timer-precise", START + 8 * 3_600_000, undefined);
    const { value, workspace, lines } = deps(clock, checkpoints);
    value.config = { ...CONFIG, secondLookMs: 0 };
    const query = workspace.query.bind(workspace);
    // Windows from 08:00 meet a burst (the correlator's MatchLimitError, as collectRecords lets it out): the hour is
    // halved down to a minute, the other halves are read, and the burst's minute is passed over.
    value.workspace = {
      query: (kql, options) =>
        kql.includes("datetime(2026-11-21T08:00:00.000Z)")
          ? Promise.reject(new MatchLimitError("precise: the range gives more than 100000 records"))
          : query(kql, options),
    };
    await expect(runScheduled(value)).rejects.toThrow(
      /1 window\(s\) passed over: more records than a run holds/,
    );
    expect(await checkpoints.read("timer-precise")).toMatchObject({ value: START + 10 * 3_600_000 });
    expect(lines.join("\n")).toContain(
      "window 2026-11-21T08:00:00.000Z..2026-11-21T08:00:56.250Z passed over: precise: the range gives more than 100000 records",
    );
    expect(workspace.windows).toContain("2026-11-21T08:30:00.000Z");
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
