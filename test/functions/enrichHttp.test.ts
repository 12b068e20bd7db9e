import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

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
    expect(first.body.complete).toBe(true);
    expect(first.body.stoppedAt).toBeUndefined();
    const again = await harness.http(DAY);
    expect(again.body.written).toMatchObject({ uploaded: 0, alreadyIngested: 3, complete: true });
    expect(ids(harness.ingestedRows())).toEqual(ids(first.body.records as Record<string, unknown>[]));
    expect(await harness.watermark()).toBeUndefined();
  });

  it("answers 503 with the reason and where it stopped when the workspace keeps failing", async () => {
    harness.la.faults.push({ kind: "serverError", status: 500 }, { times: 3 });
    const response = await harness.http({ ...DAY, dryRun: "true" });
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({
      records: [],
      written: null,
      complete: false,
      stoppedAt: "the alerts query",
      errors: [expect.stringMatching(/^The alerts query failed \(500/)],
    });
    harness.la.faults.clear();
  });
});

describe("enrichHttp within its time budget (ENRICH_HTTP_TIME_BUDGET)", () => {
  let timed: AzureHarness;
  beforeAll(async () => {
    timed = await startAzureHarness(await loadCliFixtureWorkspace(), { ENRICH_HTTP_TIME_BUDGET: "PT200S" });
  });
  afterAll(async () => timed.close());

  it("gives each query the time left of the one deadline, and answers what it found when the budget ends before it could write", async () => {
    // Every query takes 90 s of the run's clock: 200 s allow three queries, not the ledger's calls and upload after them.
    const workspace = timed.deps.workspace;
    timed.deps.workspace = {
      query: async (kql, options) => {
        const rows = await workspace.query(kql, options);
        timed.clock.now += 90_000;
        return rows;
      },
    };
    try {
      const response = await timed.http(DAY);
      expect(timed.la.requests.map((r) => r.preferWait)).toEqual([65, 35, 5]); // 195, 105, 15 s over 3 tries
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        complete: false,
        written: null,
        stoppedAt: expect.stringMatching(
          /^writing the records: The run's time budget left 0 s, too little to start the ledger's lookup, claims and takeovers; records already claimed stay pending/,
        ) as unknown,
      });
      expect(response.body.records).toHaveLength(3);
      expect(timed.ingestedRows()).toEqual([]);
      // Nothing was claimed: the ledger's calls had no time left either, and a later request finds the records again.
      expect(await timed.tableRecords()).toEqual([]);
    } finally {
      timed.deps.workspace = workspace;
    }
  });

  it("answers 503 with where it stopped, within the budget, when a query outlasts it", async () => {
    await timed.reset();
    const short = await startAzureHarness(await loadCliFixtureWorkspace(), {
      ENRICH_HTTP_TIME_BUDGET: "PT3S",
    });
    try {
      short.la.faults.push(
        { kind: "gatewayTimeout" },
        { times: Infinity, when: (r) => r.query.startsWith("let intervals") },
      );
      const response = await short.http({ ...DAY, dryRun: "true" });
      expect(response.status).toBe(503);
      expect(response.body).toMatchObject({
        complete: false,
        stoppedAt: "the candidate requests query",
        errors: [expect.stringMatching(/^The candidate requests query failed/)],
      });
      // What the service was given never adds up past the budget: 3 s less the client's margin.
      const waits = short.la.requests.filter((r) => r.query.startsWith("let intervals"));
      expect(waits.reduce((sum, r) => sum + (r.preferWait ?? 0), 0)).toBeLessThanOrEqual(3);
    } finally {
      await short.close();
    }
  });
});

describe("enrichHttp on identical requests", () => {
  it("counts two identical requests in one second as two, as the command line does", async () => {
    // A copy of the CLI fixtures where the attacker's second POST is logged twice, byte for byte.
    const dir = await mkdtemp(join(tmpdir(), "identical-"));
    const h = await (async () => {
      await cp("test/fixtures/cli", dir, { recursive: true });
      const log = join(dir, "iis/web01/u_ex261120.log");
      const lines = (await readFile(log, "utf8")).split("\n");
      const post = lines.findIndex((line) => line.includes("POST /uploads/help.aspx cmd=whoami"));
      lines.splice(post, 0, lines[post]!);
      await writeFile(log, lines.join("\n"));
      return startAzureHarness(await loadCliFixtureWorkspace(pathToFileURL(`${dir}/`)));
    })();
    try {
      const range = { from: Date.parse(DAY.from), to: Date.parse(DAY.to) };
      const expected = await cliRecords("precise", range, dir);
      const response = await h.http({ ...DAY, dryRun: "true" });
      const records = (response.body.records as Record<string, unknown>[]).map(withoutStamp);
      expect(records).toEqual(expected);
      // 10:15:31, and 10:15:45 twice: the value-based dedup of old gave 2.
      expect(records.map((record) => record.RequestCount)).toEqual([3, 3, 3]);
    } finally {
      await h.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
