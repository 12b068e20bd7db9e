import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { type AzureHarness, loadCliFixtureWorkspace, startAzureHarness } from "./azureHarness.js";
import { cliRecords, ids, withoutStamp } from "./expectedRecords.js";

// The on-demand function end to end: input validation, the same records as the command line on the same data,
// dry runs, writes through the ledger, and the watermark left alone.

let harness: AzureHarness;
const DAY = { from: "2026-11-20T00:00:00Z", to: "2026-11-21T00:00:00Z" };

beforeAll(async () => {
  harness = await startAzureHarness(await loadCliFixtureWorkspace());
});

afterAll(async () => harness.close());

describe("enrichHttp", () => {
  it.each([
    [
      {},
      [
        "from is required: an ISO 8601 time such as 2026-11-20T00:00:00Z",
        "to is required: an ISO 8601 time such as 2026-11-20T00:00:00Z",
      ],
    ],
    [{ from: "yesterday", to: DAY.to }, ['from must be an ISO 8601 time, got "yesterday"']],
    [{ from: DAY.to, to: DAY.from }, ["from must be before to"]],
    [
      { from: "2026-11-01T00:00:00Z", to: DAY.to },
      ["the span from..to must be at most 168 hours (ENRICH_HTTP_MAX_SPAN)"],
    ],
    [{ ...DAY, mode: "fast" }, ["mode must be one of precise, compat"]],
    [{ ...DAY, dryRun: "maybe" }, ["dryRun must be true or false"]],
    [{ ...DAY, workspace: "other" }, ["unknown parameter(s): workspace"]],
    [
      { ...DAY, from: '2026-11-20T00:00:00Z" | take 1' },
      ['from must be an ISO 8601 time, got "2026-11-20T00:00:00Z\\" | take 1"'],
    ],
  ])("answers 400 with every problem of %j", async (query, errors) => {
    const response = await harness.http(query);
    expect(response).toEqual({ status: 400, body: { errors } });
  });

  it("answers 400 for a body that is not a JSON object", async () => {
    expect(await harness.http({}, [1, 2])).toEqual({
      status: 400,
      body: { errors: ["the body must be a JSON object"] },
    });
  });

  it.each(["precise", "compat"] as const)(
    "returns the same %s records as the command line on the same data",
    async (mode) => {
      const range = { from: Date.parse(DAY.from), to: Date.parse(DAY.to) };
      const expected = await cliRecords(mode, range);
      expect(expected.length).toBeGreaterThan(0);
      const response = await harness.http({ ...DAY, mode, dryRun: "true" });
      expect(response.status).toBe(200);
      expect((response.body.records as Record<string, unknown>[]).map(withoutStamp)).toEqual(expected);
      expect(response.body.written).toBeNull();
    },
  );

  it("reads parameters from a JSON body too", async () => {
    const response = await harness.http({}, { ...DAY, dryRun: true });
    expect(response.status).toBe(200);
    expect(harness.ingestedRows()).toEqual([]);
  });

  it("writes through the ledger unless dryRun, and never moves the watermark", async () => {
    const first = await harness.http(DAY);
    expect(first.body.written).toMatchObject({ uploaded: 3, alreadyIngested: 0, complete: true });
    const again = await harness.http(DAY);
    expect(again.body.written).toMatchObject({ uploaded: 0, alreadyIngested: 3, complete: true });
    expect(ids(harness.ingestedRows())).toEqual(ids(first.body.records as Record<string, unknown>[]));
    expect(await harness.watermark()).toBeUndefined();
  });

  it("answers 503 with the reason when the workspace keeps failing", async () => {
    harness.la.faults.push({ kind: "serverError", status: 500 }, { times: 3 });
    const response = await harness.http({ ...DAY, dryRun: "true" });
    expect(response.status).toBe(503);
    expect(response.body.errors).toEqual([expect.stringMatching(/^The alerts query failed \(500/)]);
    harness.la.faults.clear();
  });
});
