import { describe, expect, it } from "vitest";

import { alertsRaised, executeRule, receivedCopy } from "../support/runAnalyticsRule.js";

// "One alert per record" must not depend on when Sentinel runs the rule: executions start late, a failed one is
// retried later, the schedule's offset is wherever the rule was created, and ingestion_time() is stamped a little
// before a row can be queried. Each test runs the rule's exact text with the repository's own reader of it
// (tools/doubles/fakeWorkspaceRule.ts), at the given execution times, Sentinel writing each alert to SecurityAlert
// two minutes after its execution (docs/design.md §6.5).

const MINUTE = 60_000;
// A slot of the rule's 15-minute grid.
const T = Date.parse("2026-11-22T00:00:00Z");

const row = (recordId: string, receivedAt: number, n: number) => receivedCopy(recordId, receivedAt, n);

describe("the analytics rule's executions off the 15-minute grid", () => {
  it("on the grid: one alert a record, copies included", () => {
    const received = [
      row("a", T + 7 * MINUTE, 1),
      row("a", T + 40 * MINUTE, 2),
      row("b", T + 16 * MINUTE, 3),
    ];
    const grid = [T + 15 * MINUTE, T + 30 * MINUTE, T + 45 * MINUTE, T + 60 * MINUTE, T + 75 * MINUTE];
    const once = new Map([
      ["a", 1],
      ["b", 1],
    ]);
    expect(executeRule(received, grid)).toEqual(once);
    expect(alertsRaised(received, 0, T + 75 * MINUTE)).toEqual(once);
  });

  it("an execution 2 minutes late raises a record once", () => {
    const received = [row("b", T + 16 * MINUTE, 1)];
    const executions = [T + 17 * MINUTE, T + 30 * MINUTE, T + 45 * MINUTE];
    expect(executeRule(received, executions)).toEqual(new Map([["b", 1]]));
  });

  it("an execution retried 5 minutes late leaves no gap", () => {
    const received = [row("c", T + 3 * MINUTE, 1)];
    const executions = [T, T + 20 * MINUTE, T + 30 * MINUTE, T + 45 * MINUTE];
    expect(executeRule(received, executions)).toEqual(new Map([["c", 1]]));
  });

  it("a row stamped just before an execution but queryable just after it is alerted by the next", () => {
    const received = [row("d", T + 14 * MINUTE + 50_000, 1)];
    const grid = [T + 15 * MINUTE, T + 30 * MINUTE, T + 45 * MINUTE];
    expect(executeRule(received, grid, { queryableAfterMs: 30_000 })).toEqual(new Map([["d", 1]]));
  });

  it("any offset and jitter of up to 10 minutes, executions skipped: every record once", () => {
    const received = Array.from({ length: 40 }, (_, n) => row(`r${n}`, T + n * 97_000, n));
    for (const offset of [0, 4, 5, 6, 11, 14]) {
      const executions: number[] = [];
      for (let k = 0; k < 16; k += 1) {
        if (k % 5 === 3) continue; // an execution that never ran
        executions.push(T + (offset + 15 * k + ((k * 7) % 11)) * MINUTE);
      }
      const counts = executeRule(received, executions, { queryableAfterMs: 30_000 });
      expect([...counts.values()], `offset ${offset}`).toEqual(received.map(() => 1));
    }
  });

  it("raises a record again only when its first alert takes longer than an execution to reach SecurityAlert", () => {
    const received = [row("e", T + 16 * MINUTE, 1)];
    const grid = [T + 30 * MINUTE, T + 45 * MINUTE, T + 60 * MINUTE, T + 75 * MINUTE];
    expect(executeRule(received, grid, { alertLatencyMs: 20 * MINUTE })).toEqual(new Map([["e", 2]]));
  });
});
