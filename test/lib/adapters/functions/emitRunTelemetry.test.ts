import { InvocationContext } from "@azure/functions";
import { describe, expect, it } from "vitest";

import { createEnrichTimer } from "../../../../functions/enrichTimer.js";
import {
  parseRunEvent,
  RUN_EVENT_PREFIX,
  runTelemetry,
} from "../../../../lib/adapters/functions/emitRunTelemetry.js";
import { ConfigError } from "../../../../lib/core/errors.js";

function capture(): { context: InvocationContext; lines: string[] } {
  const lines: string[] = [];
  const context = new InvocationContext({
    functionName: "enrichTimer",
    logHandler: (_level, ...args) => lines.push(args.map(String).join(" ")),
  });
  return { context, lines };
}

const report = {
  job: "timer-precise",
  windows: 1,
  alertRows: 4,
  records: 2,
  uploaded: 2,
  alreadyIngested: 0,
  takenOver: 0,
  revised: 0,
  oversizedWindows: 0,
  skipped: 1,
  stoppedByBudget: false,
  watermarkBefore: Date.parse("2026-11-20T10:00:00Z"),
  watermarkAfter: Date.parse("2026-11-20T10:15:00Z"),
  elapsedMs: 1234,
};

describe("runTelemetry", () => {
  it("writes the run as one trace: a fixed prefix, then JSON with ISO times", () => {
    const { context, lines } = capture();
    runTelemetry(context, "timer", () => 0).reportRun({ ...report, outcome: "succeeded" });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.startsWith(RUN_EVENT_PREFIX)).toBe(true);
    expect(parseRunEvent(lines[0]!)).toEqual({
      ...report,
      outcome: "succeeded",
      error: null,
      watermarkBefore: "2026-11-20T10:00:00.000Z",
      watermarkAfter: "2026-11-20T10:15:00.000Z",
      rangeTo: null,
      sweep: null,
      secondLook: null,
    });
  });

  it("carries the second look with its watermark as ISO times", () => {
    const { context, lines } = capture();
    const secondLook = {
      ...report,
      job: "timer-precise-second-look",
      watermarkBefore: Date.parse("2026-11-20T08:00:00Z"),
      watermarkAfter: Date.parse("2026-11-20T08:15:00Z"),
    };
    runTelemetry(context, "timer", () => 0).reportRun({ ...report, outcome: "succeeded", secondLook });
    expect(parseRunEvent(lines[0]!)?.secondLook).toEqual({
      ...secondLook,
      watermarkBefore: "2026-11-20T08:00:00.000Z",
      watermarkAfter: "2026-11-20T08:15:00.000Z",
      rangeTo: null,
    });
  });

  it("carries the sweep as counts, not the records it names", () => {
    const { context, lines } = capture();
    const sweep = {
      found: 3,
      inFlightElsewhere: 0,
      alreadyIngested: 1,
      resent: 1,
      abandoned: [{ recordId: "a".repeat(32), reason: "the page is no longer rare" }],
      resentCut: [],
      failed: [{ recordIds: ["b", "c"], reason: "503" }],
    };
    runTelemetry(context, "timer", () => 0).reportRun({ ...report, outcome: "succeeded", sweep });
    expect(parseRunEvent(lines[0]!)?.sweep).toEqual({
      found: 3,
      inFlightElsewhere: 0,
      alreadyIngested: 1,
      resent: 1,
      abandoned: 1,
      resentCut: 0,
      failed: 2,
    });
  });

  it("keeps an error's text as data: quotes and line breaks stay inside the JSON string", () => {
    const { context, lines } = capture();
    const error = 'query "x"\n| where 1 == 1 } {"outcome":"succeeded"}';
    runTelemetry(context, "timer", () => 0).reportRun({ ...report, outcome: "failed", error });
    expect(lines[0]!.split("\n")).toHaveLength(1);
    expect(parseRunEvent(lines[0]!)).toMatchObject({ outcome: "failed", error });
  });

  it("reports a failure once: after the run reported it, reportFailure adds nothing", () => {
    const { context, lines } = capture();
    const telemetry = runTelemetry(context, "timer", () => 0);
    telemetry.reportRun({ ...report, outcome: "failed", error: "boom" });
    telemetry.reportFailure(new Error("boom"));
    expect(lines).toHaveLength(1);
  });

  it("counts an invocation that failed before its run started (bad settings) as a failed run", async () => {
    const { context, lines } = capture();
    let clock = 1000;
    const timer = createEnrichTimer(
      () => {
        clock += 50;
        return Promise.reject(new ConfigError(["LOG_ANALYTICS_WORKSPACE_ID: expected the workspace id"]));
      },
      () => clock,
    );
    await expect(timer({} as never, context)).rejects.toThrow(ConfigError);
    expect(lines.flatMap((line) => parseRunEvent(line) ?? [])).toEqual([
      expect.objectContaining({
        job: "timer",
        outcome: "failed",
        error: expect.stringContaining("LOG_ANALYTICS_WORKSPACE_ID"),
        watermarkAfter: null,
        elapsedMs: 50,
      }),
    ]);
  });
});
