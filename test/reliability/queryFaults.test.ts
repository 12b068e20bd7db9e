import { afterEach, beforeAll, describe, expect, it } from "vitest";

import { QueryError } from "../../lib/core/errors.js";
import { type AzureHarness, startAzureHarness } from "../functions/azureHarness.js";
import { buildFaultData, type FaultData } from "./buildFaultData.js";
import { crashOnce } from "./faultWrappers.js";
import { catchUp } from "./sinkTally.js";

// The query side under throttling with a long Retry-After, and a partial result on the query that decides
// whether a taken-over record is sent again.

const MINUTE = 60_000;

let fixture: FaultData;
let harness: AzureHarness | undefined;

beforeAll(async () => {
  fixture = await buildFaultData();
});

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe("query faults", () => {
  it("429 with Retry-After 600 s on every query: the run fails within its budget, watermark unmoved", async () => {
    const h = await startAzureHarness(fixture.data, { ENRICH_TIME_BUDGET: "PT6S" });
    harness = h;
    h.la.faults.push({ kind: "throttled", retryAfterSeconds: 600 }, { times: Infinity });
    const started = Date.now();
    const error = await h.timer().catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(6_000 + 4_000);
    expect(error).toBeInstanceOf(QueryError);
    expect(await h.watermark()).toBeUndefined();
    h.la.faults.clear();
    expect(await catchUp(h, fixture.expected)).toMatchObject({
      lost: 0,
      extraRows: 0,
      duplicateAlerts: 0,
      missedAlerts: 0,
    });
  });

  it("a partial result when asking the custom table about taken-over records: nothing is resent on a cut answer", async () => {
    // Rows queryable 20 min after receipt; the process dies before the ledger marks them; after ENRICH_SETTLE the
    // run that takes them over gets a partial answer (an empty table with an error beside it) from the
    // "ingested records" query. Taking an empty cut answer as "not there" would send every record again.
    const h = await startAzureHarness(fixture.data, {}, { ingestionLatencyMs: 20 * MINUTE });
    harness = h;
    const ledger = h.deps.ledger;
    h.deps.ledger = crashOnce(ledger, "markIngested");
    await expect(h.timer()).rejects.toThrow(/simulated crash in markIngested/);
    h.deps.ledger = ledger;
    h.la.faults.push(
      {
        kind: "partial",
        keepRows: 0,
        error: { code: "PartialError", message: "Query exceeded the memory budget" },
      },
      { times: 1, when: (r) => r.query.includes("| distinct RecordId") },
    );
    const tally = await catchUp(h, fixture.expected);
    expect(h.la.requests.some((r) => r.fault === "partial")).toBe(true);
    expect(tally).toMatchObject({ lost: 0, extraRows: 0, duplicateAlerts: 0, missedAlerts: 0 });
  });
});
