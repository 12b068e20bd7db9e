import { afterEach, beforeAll, describe, expect, it } from "vitest";

import { parseRunEvent, type RunEvent } from "../../lib/adapters/functions/emitRunTelemetry.js";
import { formatTimestamp } from "../../lib/core/model/parseTimestamp.js";
import type { CheckpointStore, RecordLedger } from "../../lib/job/ports.js";
import {
  type AzureHarness,
  loadCliFixtureWorkspace,
  startAzureHarness,
  type WorkspaceData,
} from "./azureHarness.js";
import { cliRecords, ids } from "./expectedRecords.js";

// The scheduled function end to end: real SDK clients against the Log Analytics and Logs Ingestion HTTPS doubles
// and Azurite; failures injected at each step; after recovery both sinks hold the expected records exactly once.

let data: WorkspaceData;
let expected: string[];
let harness: AzureHarness;

beforeAll(async () => {
  data = await loadCliFixtureWorkspace();
  expected = ids(await cliRecords());
  expect(expected).toHaveLength(3);
});

afterEach(async () => harness.close());

async function expectSinksHoldExpectedOnce() {
  expect(ids(harness.ingestedRows())).toEqual(expected);
  const table = await harness.tableRecords();
  expect(ids(table)).toEqual(expected);
  expect(table.every((row) => row.LedgerState === "ingested")).toBe(true);
}

const minutes = (n: number) => n * 60_000;

describe("enrichTimer", () => {
  it("writes the records to both sinks and moves the watermark to now − ingestion delay", async () => {
    harness = await startAzureHarness(data);
    await harness.timer();
    await expectSinksHoldExpectedOnce();
    expect(await harness.watermark()).toBe(harness.clock.now - minutes(5));
    expect(harness.logs.join("\n")).toMatch(/3 record\(s\) correlated, 3 written, 0 already present/);
    // Only candidate rows travel: no query reads a whole table.
    expect(harness.la.requests.map((r) => r.query.split("\n")[0])).toEqual([
      "SecurityAlert",
      "let intervals = datatable(HostKey: string, From: datetime, To: datetime) [",
      "let intervals = datatable(HostKey: string, From: datetime, To: datetime) [",
    ]);
  });

  it("writes nothing new when the next run covers the same window again", async () => {
    harness = await startAzureHarness(data, { ENRICH_OVERLAP: "P3D" });
    await harness.timer();
    harness.clock.now += minutes(15);
    await harness.timer();
    await expectSinksHoldExpectedOnce();
    expect(harness.logs.join("\n")).toMatch(/3 record\(s\) correlated, 0 written, 3 already present/);
  });

  it("fails the window on a partial result, with the service's reason, and the next run recovers", async () => {
    harness = await startAzureHarness(data);
    harness.la.faults.push(
      {
        kind: "partial",
        error: { code: "PartialError", message: "Query exceeded the memory budget on 1 node" },
      },
      { when: (request) => request.query.includes("let candidatePages") },
    );
    await expect(harness.timer()).rejects.toThrow(
      /partial result \(PartialError: Query exceeded the memory budget/,
    );
    expect(harness.ingestedRows()).toEqual([]);
    expect(await harness.watermark()).toBeUndefined();
    await harness.timer();
    await expectSinksHoldExpectedOnce();
  });

  it("retries throttled and failing queries within the run", async () => {
    harness = await startAzureHarness(data);
    harness.la.faults.push({ kind: "throttled", retryAfterSeconds: 0 }, { times: 1 });
    harness.la.faults.push({ kind: "serverError", status: 503 }, { times: 1 });
    await harness.timer();
    await expectSinksHoldExpectedOnce();
    expect(harness.la.requests.filter((r) => r.fault !== undefined).map((r) => r.status)).toEqual([429, 503]);
  });

  it("keeps records pending when the custom table rejects them, and the next run sends them once", async () => {
    harness = await startAzureHarness(data);
    harness.ingestion.faults.push({ kind: "reject", status: 500 }, { times: Infinity });
    await expect(harness.timer()).rejects.toThrow(/not complete: 3 record\(s\): 500/);
    expect((await harness.tableRecords()).map((row) => row.LedgerState)).toEqual([
      "pending",
      "pending",
      "pending",
    ]);
    expect(await harness.watermark()).toBeUndefined();
    harness.ingestion.faults.clear();
    harness.clock.now += minutes(15);
    await harness.timer(); // younger than ENRICH_SETTLE (30 min): left to the run that claimed them
    expect(harness.ingestedRows()).toEqual([]);
    // The run's summary line (the health trace follows it).
    expect(harness.logs.findLast((line) => line.startsWith("enrichment run"))).toMatch(
      /stopped at .*: 3 record\(s\) of the window in flight in another run/,
    );
    harness.clock.now += minutes(15);
    await harness.timer(); // past the settle time: this run takes the pending records over
    await expectSinksHoldExpectedOnce();
  });

  it("recovers from a crash between the custom table and the ledger update without sending twice", async () => {
    harness = await startAzureHarness(data);
    const ledger = harness.deps.ledger;
    harness.deps.ledger = crashOnce(ledger, "markIngested");
    await expect(harness.timer()).rejects.toThrow(/simulated crash/);
    expect(ids(harness.ingestedRows())).toEqual(expected);
    harness.deps.ledger = ledger;
    harness.clock.now += minutes(30);
    await harness.timer();
    await expectSinksHoldExpectedOnce();
    expect(harness.logs.join("\n")).toMatch(/0 written, 3 already present, 3 taken over/);
  });

  it("recovers from a crash after both sinks, before the checkpoint", async () => {
    harness = await startAzureHarness(data);
    const checkpoints = harness.deps.checkpoints;
    harness.deps.checkpoints = crashOnce(checkpoints, "write");
    await expect(harness.timer()).rejects.toThrow(/simulated crash/);
    expect(await harness.watermark()).toBeUndefined();
    harness.deps.checkpoints = checkpoints;
    await harness.timer();
    await expectSinksHoldExpectedOnce();
    expect(await harness.watermark()).toBe(harness.clock.now - minutes(5));
  });

  it("never moves the watermark backwards when two runs overlap", async () => {
    harness = await startAzureHarness(data);
    const later = harness.clock.now;
    const earlier = later - minutes(60);
    // A run that finds records in flight in the other leaves them to it and stops there: neither fails.
    await Promise.all([harness.timerAt(later), harness.timerAt(earlier)]);
    expect(ids(harness.ingestedRows())).toEqual(expected);
    await harness.timerAt(later);
    expect(await harness.watermark()).toBe(later - minutes(5));
    await harness.timerAt(earlier);
    expect(await harness.watermark()).toBe(later - minutes(5));
    await expectSinksHoldExpectedOnce();
  });
});

// The health trace (docs/design.md §6.7): one `WebShellEnrichmentRun {json}` line per invocation, which the health
// alert rules of infra/azuredeploy.json read.
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

function crashOnce<T extends RecordLedger | CheckpointStore>(target: T, method: keyof T & string): T {
  let crashed = false;
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (property !== method || typeof value !== "function") {
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(object) : value;
      }
      return (...args: unknown[]) => {
        if (!crashed) {
          crashed = true;
          return Promise.reject(new Error(`simulated crash in ${method}`));
        }
        return (value as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });
}
