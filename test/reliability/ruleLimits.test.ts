import { describe, expect, it } from "vitest";

import { customDetailsOf, executeRule, receivedCopy } from "../support/runAnalyticsRule.js";

// The analytics rule reads its own earlier alerts back from SecurityAlert by the `RecordId` custom detail, so what
// Sentinel keeps of an alert matters. Two documented limits, which test/support/runAnalyticsRule.ts models: custom
// details at most 2 KB together (details past the limit are dropped, in the rule's order), and at most 150 alerts an
// execution (past 150 results, 149 alerts of their own and one summary that names no record). A web shell's command
// line (an encoded PowerShell command) is often longer than 2 KB on its own, and one attacker's script or a mass
// exploitation makes hundreds of findings in minutes.

const MINUTE = 60_000;
const T = Date.parse("2026-11-22T00:00:00Z");

const row = (recordId: string, receivedAt: number, n: number, commandLine = "whoami") =>
  receivedCopy(recordId, receivedAt, n, { ProcessCommandLine: commandLine });

const grid = (from: number, count: number) => Array.from({ length: count }, (_, k) => from + k * 15 * MINUTE);

describe("the analytics rule within Sentinel's limits on custom details and alerts per execution", () => {
  it("keeps RecordId, the first custom detail, however long the command line", () => {
    const encoded = `powershell.exe -NoP -W Hidden -Enc ${"SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA".repeat(55)}`;
    expect(encoded.length).toBeGreaterThan(2048);
    const details = customDetailsOf({ ...row("long", T, 1, encoded).row, CommandLine: encoded });
    expect(details.RecordId).toEqual(["long"]);
  });

  it("a record whose command line is over 2 KB is alerted once", () => {
    const encoded = `powershell.exe -NoP -W Hidden -Enc ${"SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA".repeat(55)}`;
    const received = [row("long", T + 3 * MINUTE, 1, encoded)];
    expect(executeRule(received, grid(T + 15 * MINUTE, 6)).get("long")).toBe(1);
  });

  it("a burst of 700 findings within 10 minutes: each is alerted individually by the executions after it", () => {
    const received = Array.from({ length: 700 }, (_, n) => row(`b${n}`, T + 2 * MINUTE + n * 800, n));
    const counts = executeRule(received, grid(T + 15 * MINUTE, 8));
    expect(received.filter((entry) => counts.get(String(entry.row.RecordId)) !== 1)).toEqual([]);
  });

  it("a burst past what six hours of executions raise (24 × 149) leaves the rest without an alert of their own", () => {
    const received = Array.from({ length: 3700 }, (_, n) => row(`d${n}`, T + 2 * MINUTE + n * 100, n));
    const counts = executeRule(received, grid(T + 15 * MINUTE, 28));
    expect(counts.size).toBe(24 * 149);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
  });
});
