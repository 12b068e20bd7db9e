import { afterEach, beforeAll, describe, expect, it } from "vitest";

import { parseRunEvent, type RunEvent } from "../../lib/adapters/functions/emitRunTelemetry.js";
import { formatTimestamp } from "../../lib/core/model/parseTimestamp.js";
import {
  type AzureHarness,
  loadCliFixtureWorkspace,
  startAzureHarness,
  type WorkspaceData,
} from "./azureHarness.js";

// The scheduled function's health trace, end to end: one `WebShellEnrichmentRun {json}` line per invocation,
// which the health alert rules of infra/azuredeploy.json read (docs/design.md §6.6).

let data: WorkspaceData;
let harness: AzureHarness;

beforeAll(async () => {
  data = await loadCliFixtureWorkspace();
});
afterEach(async () => harness.close());

const events = (): RunEvent[] => harness.logs.flatMap((line) => parseRunEvent(line) ?? []);

describe("enrichTimer health telemetry", () => {
  it("writes one event per run with its counts and the watermark it reached", async () => {
    harness = await startAzureHarness(data);
    await harness.timer();
    expect(events()).toEqual([
      expect.objectContaining({
        job: "timer-precise",
        outcome: "succeeded",
        error: null,
        records: 3,
        uploaded: 3,
        alreadyIngested: 0,
        watermarkBefore: null,
        watermarkAfter: formatTimestamp(harness.clock.now - 5 * 60_000),
      }),
    ]);
  });

  it("writes a failed event with the reason, and the watermark as far as the run got", async () => {
    harness = await startAzureHarness(data);
    harness.ingestion.faults.push({ kind: "reject", status: 500 }, { times: Infinity });
    await expect(harness.timer()).rejects.toThrow(/not complete/);
    expect(events()).toEqual([
      expect.objectContaining({
        outcome: "failed",
        error: expect.stringMatching(/not complete: 3 record\(s\): 500/),
        records: 3,
        uploaded: 0,
        watermarkBefore: null,
        watermarkAfter: null,
      }),
    ]);
  });
});
