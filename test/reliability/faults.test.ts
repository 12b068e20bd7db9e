import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { MAX_COLUMN_CHARS, MAX_ROW_BYTES } from "../../lib/adapters/azure/toIngestionRow.js";
import { IncompleteWindowError, QueryError, TableStoreError } from "../../lib/core/errors.js";
import { truncateWithMarker } from "../../lib/core/records/truncateWithMarker.js";
import type { W3CIISLogRow } from "../../tools/doubles/fakeWorkspace.js";
import { type AzureHarness, type HarnessOptions, startAzureHarness } from "../functions/azureHarness.js";
import { ids } from "../functions/expectedRecords.js";
import { buildFaultData, type FaultData } from "./buildFaultData.js";
import { crashOnce, failTransactions, runBeforeUpload } from "./faultWrappers.js";
import { expectDelivered, type SinkTally, tallySinks } from "./sinkTally.js";
import { markdownTable, writeReportSection } from "./writeReportSection.js";

// Every fault of the reliability issues, through the exported handlers with the real SDK clients against the
// local protocol doubles and Azurite: the failing run's outcome (typed error or a clean stop, watermark not past
// the failed data), then the timer every 15 minutes until it has caught up. Afterwards both sinks hold every
// expected record (Table Storage once, marked ingested; the custom table at least once, and more than once only
// where the case makes a second copy), and the analytics rule, run over the custom table as Sentinel runs it,
// raised exactly one alert per record. Each case adds a row to docs/reliability.md.

const MINUTE = 60_000;
/** The timer's period in production (ENRICH_SCHEDULE every 15 min). */
const NEXT_SCHEDULE = 15 * MINUTE;
/** Runs after a fault before the timer must have caught up: ENRICH_SETTLE (30 min) and one more. */
const MAX_RECOVERY_RUNS = 4;
/** Repetitions of the cases whose runs race, each on empty sinks: enough to show the outcome is not luck. */
const RACE_REPETITIONS = 10;

interface FaultRow extends SinkTally {
  fault: string;
  outcome: string;
  recovery: string;
}

const CASES = [
  "query 429 storm",
  "query 5xx",
  "partial result",
  "query answer too large",
  "query slower than the server timeout",
  "ingestion chunk rejected",
  "ingestion of one oversized record",
  "ingestion 400 for the chunk holding one record",
  "Table Storage transaction failure",
  "Azurite stopped mid-run and restarted",
  "crash between the two sinks",
  "crash after the sinks, before the checkpoint",
  "two timer runs at once",
  "timer and on-demand run at once",
  "rows queryable only 20 min after ingestion, crash before the ledger update",
  "rows queryable only 45 min after ingestion (past ENRICH_SETTLE), crash before the ledger update",
  "two on-demand runs take the same stale records over at once",
  "ingestion answer lost after the chunk was stored",
  "orphan whose page is no longer rare",
  "orphan of a stopped on-demand run",
] as const;
type CaseName = (typeof CASES)[number];

const rows = new Map<CaseName, FaultRow>();
let fixture: FaultData;
let bulk: FaultData;
let harness: AzureHarness | undefined;

beforeAll(async () => {
  fixture = await buildFaultData();
  expect(fixture.expected).toHaveLength(3);
  // 40 alerts whose 30,000-character command lines fill two ingestion chunks, and one whose alert and process
  // texts are megabytes of characters JSON must escape.
  bulk = await buildFaultData({
    copies: 41,
    commandLine: (i) => (i === 40 ? HOSTILE : `cmd.exe /c echo ${i} ${"A".repeat(30_000)}`),
    hostile: (i) =>
      i === 40
        ? {
            alertName: HOSTILE,
            processId: HOSTILE,
            imageName: `${HOSTILE}.exe`,
            dnsDomain: HOSTILE,
            parentImage: `${HOSTILE}.exe`,
          }
        : {},
  });
  expect(bulk.expected).toHaveLength(3 + 41 * 2); // each copy has two commands (cmd.exe, powershell.exe)
});

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

afterAll(async () => {
  // Only a complete, passing run of this file rewrites the table (a filtered run would shrink it).
  if (rows.size !== CASES.length) return;
  const table = markdownTable(
    [
      "case",
      "fault injected",
      "outcome of the failing run",
      "recovery",
      "expected",
      "lost",
      "extra rows in the custom table",
      "duplicate alerts",
    ],
    CASES.map((name) => {
      const row = rows.get(name)!;
      return [
        name,
        row.fault,
        row.outcome,
        row.recovery,
        row.expected,
        row.lost,
        row.extraRows,
        row.duplicateAlerts,
      ];
    }),
  );
  const total = [...rows.values()];
  const sum = (key: keyof SinkTally) => total.reduce((n, r) => n + r[key], 0);
  const summary =
    `${CASES.length} fault cases tried, ${CASES.length} survived; records expected after recovery: ` +
    `${sum("expected")}, lost: ${sum("lost")}, extra rows in the custom table: ${sum("extraRows")} (each a ` +
    "second copy the service stored when the answer to a stored chunk was lost, or a record resent because its " +
    "first copy stayed invisible longer than ENRICH_SETTLE), duplicate alerts (so incidents): " +
    `${sum("duplicateAlerts")}, records without an alert: ${sum("missedAlerts")}.`;
  await writeReportSection("faults", `${table}\n\n${summary}`);
});

// Control characters cost 6 bytes each in JSON (`\u0001`): 1 M of them is 6 MB on the wire, and 32,000 of them
// (the per-column cap) 192 KB, so six such columns make a row over the service's 1 MB per call.
const HOSTILE = `=cmd|' /C calc'!A0 <script>alert(1)</script> "|;//${"\u0001\u0002\u0003\u0004\u001b".repeat(200_000)}`;

async function start(
  data: FaultData,
  settings: Record<string, string> = {},
  options: HarnessOptions = {},
): Promise<AzureHarness> {
  harness = await startAzureHarness(data.data, settings, options);
  return harness;
}

/** Runs the timer every 15 minutes until its watermark is at now − ingestion delay and nothing is pending. */
async function settle(h: AzureHarness): Promise<number> {
  let runs = 0;
  const done = async () =>
    (await h.watermark()) === h.clock.now - 5 * MINUTE &&
    (await h.tableRecords()).every((row) => row.LedgerState !== "pending");
  while (!(await done()) && runs < MAX_RECOVERY_RUNS) {
    h.clock.now += NEXT_SCHEDULE;
    await h.timer();
    runs += 1;
  }
  expect(await h.watermark()).toBe(h.clock.now - 5 * MINUTE);
  return runs;
}

/** Settles, then checks both sinks and the rule's alerts; returns the number of runs it took and the tally. */
async function catchUp(h: AzureHarness, expected: readonly string[], extraRows = 0) {
  const runs = await settle(h);
  return { runs, tally: await expectDelivered(h, expected, extraRows) };
}

/** Recovers from a fault and records the case's row. */
async function recover(
  h: AzureHarness,
  data: FaultData,
  name: CaseName,
  fault: string,
  outcome: string,
  extraRows = 0,
) {
  const { runs, tally } = await catchUp(h, data.expected, extraRows);
  rows.set(name, { fault, outcome, recovery: recoveryText(runs), ...tally });
}

function recoveryText(runs: number): string {
  if (runs === 0) return "not needed: both sinks hold every record, one alert each";
  const which =
    runs === 1
      ? "the next run"
      : `${runs} runs (pending records are left to the run that claimed them for ENRICH_SETTLE, 30 min)`;
  return `${which}: both sinks hold every record, one alert each; watermark at now − ingestion delay`;
}

/**
 * Starts `race` on empty sinks {@link RACE_REPETITIONS} times and lets the timer catch up after each; every
 * repetition checks what the sinks hold, and that one more run at most was needed (whether one was depends on
 * which run won, so the report states the bound, not the count).
 */
async function repeatRace(h: AzureHarness, data: FaultData, race: () => Promise<void>) {
  const total: SinkTally = { expected: 0, lost: 0, extraRows: 0, duplicateAlerts: 0, missedAlerts: 0 };
  let most = 0;
  for (let repetition = 0; repetition < RACE_REPETITIONS; repetition += 1) {
    if (repetition > 0) await h.reset();
    await race();
    const { runs, tally } = await catchUp(h, data.expected);
    most = Math.max(most, runs);
    for (const key of Object.keys(total) as (keyof SinkTally)[]) total[key] += tally[key];
  }
  expect(most).toBeLessThanOrEqual(1);
  return {
    recovery:
      "at most the next run (when one run stopped before records in flight in the other): both sinks hold " +
      "every record, one alert each; watermark at now − ingestion delay",
    total,
  };
}

async function expectNothingCheckpointed(h: AzureHarness) {
  expect(await h.watermark()).toBeUndefined();
}

describe("faults of the query side", () => {
  it("query 429 storm: the run fails with the service's reason after the SDK's retries", async () => {
    const h = await start(fixture);
    h.la.faults.push({ kind: "throttled", retryAfterSeconds: 0 }, { times: Infinity });
    const error = await h.timer().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryError);
    expect(error).toMatchObject({
      transient: true,
      message: expect.stringMatching(/^The alerts query failed \(429/),
    });
    expect(h.la.requests.map((r) => r.status)).toEqual([429, 429, 429]); // maxRetries 2 in the harness
    expect(h.ingestedRows()).toEqual([]);
    await expectNothingCheckpointed(h);
    h.la.faults.clear();
    await recover(
      h,
      fixture,
      "query 429 storm",
      "every query answered 429 (Retry-After 0)",
      "QueryError (transient) `The alerts query failed (429 …)` after 3 tries; nothing written; watermark unmoved",
    );
  });

  it("query 5xx: a failing candidate-requests query fails the window before anything is written", async () => {
    const h = await start(fixture);
    h.la.faults.push(
      { kind: "serverError", status: 503 },
      { times: Infinity, when: (r) => r.query.startsWith("let intervals") },
    );
    const error = await h.timer().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryError);
    expect((error as Error).message).toMatch(
      /^The candidate requests query failed \(503 ServiceUnavailable\)/,
    );
    expect(h.ingestedRows()).toEqual([]);
    expect(await h.tableRecords()).toEqual([]);
    await expectNothingCheckpointed(h);
    h.la.faults.clear();
    await recover(
      h,
      fixture,
      "query 5xx",
      "the candidate-requests query answered 503 every time",
      "QueryError (transient) `The candidate requests query failed (503 …)`; nothing written; watermark unmoved",
    );
  });

  it("partial result: a 200 with an error beside a cut table is never taken as the answer", async () => {
    const h = await start(fixture);
    h.la.faults.push(
      {
        kind: "partial",
        keepRows: 1,
        error: { code: "PartialError", message: "Query exceeded the memory budget on 1 node" },
      },
      {
        times: Infinity,
        when: (r) => r.query.startsWith("let intervals") && !r.query.includes("candidatePages"),
      },
    );
    const error = await h.timer().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryError);
    expect((error as Error).message).toMatch(
      /^The candidate requests query returned a partial result \(PartialError: Query exceeded the memory budget/,
    );
    expect(h.ingestedRows()).toEqual([]);
    await expectNothingCheckpointed(h);
    h.la.faults.clear();
    await recover(
      h,
      fixture,
      "partial result",
      "candidate requests: HTTP 200 with 1 row kept and `error` beside the table (memory budget)",
      "QueryError `… returned a partial result (PartialError …)`; the cut table is not used; watermark unmoved",
    );
  });

  it("query answer too large: the service's E_QUERY_RESULT_SET_TOO_LARGE splits the query and the run completes", async () => {
    const h = await start(fixture);
    // The service's own shape: the reason is only in details[0].innererror (see LOG_ANALYTICS_ERRORS.partial).
    h.la.faults.push(
      { kind: "partial", keepRows: 1 },
      { when: (r) => r.query.startsWith("let intervals") && !r.query.includes("candidatePages") },
    );
    await h.timer();
    const candidates = h.la.requests.filter(
      (r) => r.query.startsWith("let intervals") && !r.query.includes("candidatePages"),
    );
    const hostsOf = (query: string) => query.split("\n").filter((line) => line.startsWith('    "')).length;
    expect(candidates.map((r) => r.fault)).toEqual(["partial", undefined, undefined]);
    expect(hostsOf(candidates[1]!.query) + hostsOf(candidates[2]!.query)).toBe(hostsOf(candidates[0]!.query));
    const tally = await expectDelivered(h, fixture.expected);
    rows.set("query answer too large", {
      fault: "candidate requests: partial result whose innererror says E_QUERY_RESULT_SET_TOO_LARGE (once)",
      outcome: "succeeds: the host windows are split in two queries, each answered in full",
      recovery: "not needed",
      ...tally,
    });
  });

  it("query slower than the server timeout: the run fails within its time budget", async () => {
    // A 6 s budget: the query gets 4 s (6 s less the client's margin), shared by the SDK's 3 attempts
    // (1 s each, `Prefer: wait=1`), and the client gives up at 5.5 s whatever happens.
    const h = await start(fixture, { ENRICH_TIME_BUDGET: "PT6S" });
    h.la.faults.push({ kind: "gatewayTimeout" }, { times: Infinity });
    const started = Date.now();
    const error = await h.timer().catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(QueryError);
    expect((error as Error).message).toMatch(/^The alerts query failed \(504 GatewayTimeout\)/);
    expect(h.la.requests.map((r) => [r.preferWait, r.status])).toEqual([
      [1, 504],
      [1, 504],
      [1, 504],
    ]);
    expect(elapsed).toBeLessThan(6_000 + 4_000);
    await expectNothingCheckpointed(h);
    h.la.faults.clear();
    await recover(
      h,
      fixture,
      "query slower than the server timeout",
      "every query ran past its server timeout (the service's 504 GatewayTimeout); ENRICH_TIME_BUDGET=PT6S",
      "QueryError `The alerts query failed (504 GatewayTimeout)` within the budget: 3 tries × `Prefer: wait=1`",
    );
  });
});

describe("faults of the custom table (Logs Ingestion)", () => {
  it("ingestion chunk rejected: the other chunks land, the rejected records stay pending", async () => {
    const h = await start(bulk);
    h.ingestion.faults.push({ kind: "reject", status: 503 }, { times: Infinity, when: (r) => r.chunk === 2 });
    const error = await h.timer().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IncompleteWindowError);
    expect((error as Error).message).toMatch(/not complete: \d+ record\(s\): 503 /);
    const landed = h.ingestedRows().length;
    const table = await h.tableRecords();
    expect(landed).toBeGreaterThan(0);
    expect(table.filter((row) => row.LedgerState === "ingested")).toHaveLength(landed);
    expect(table.filter((row) => row.LedgerState === "pending")).toHaveLength(bulk.expected.length - landed);
    await expectNothingCheckpointed(h);
    h.ingestion.faults.clear();
    await recover(
      h,
      bulk,
      "ingestion chunk rejected",
      "the second ~1 MB chunk answered 503 on every try",
      "IncompleteWindowError `… not complete: N record(s): 503 …`; other chunks written and marked; rest pending",
    );
  });

  it("ingestion of one oversized record: the row is cut to fit one call and every record lands", async () => {
    const h = await start(bulk);
    await h.timer();
    const requests = h.ingestion.requests;
    expect(requests.every((r) => r.status === 204)).toBe(true);
    expect(
      Math.max(...requests.flatMap((r) => r.rows.map((row) => Buffer.byteLength(JSON.stringify(row))))),
    ).toBeLessThanOrEqual(MAX_ROW_BYTES);
    const big = h.ingestedRows().find((row) => String(row.ProcessCommandLine).startsWith("=cmd|"));
    expect(big?.ProcessCommandLine).toMatch(/^=cmd\|' \/C calc'!A0 <script>.*…\[truncated \d+ chars\]$/s);
    // With only the 32,000-character cap per column, this row would be over the service's 1 MiB per call.
    const capOnly = { ...big };
    for (const column of ["AlertName", "ProcessId", "ProcessName", "DnsDomain", "ParentProcessName"]) {
      capOnly[column] = truncateWithMarker(
        column.endsWith("Name") && column !== "AlertName" ? `${HOSTILE}.exe` : HOSTILE,
        MAX_COLUMN_CHARS,
      );
    }
    capOnly.ProcessCommandLine = truncateWithMarker(HOSTILE, MAX_COLUMN_CHARS);
    expect(Buffer.byteLength(JSON.stringify(capOnly))).toBeGreaterThan(1024 * 1024);
    const tally = await expectDelivered(h, bulk.expected);
    rows.set("ingestion of one oversized record", {
      fault:
        "one finding whose alert name, process id, image, parent image, domain and command line are 1 M control characters each (6 MB each as JSON)",
      outcome:
        "succeeds: the row is cut to ≤ 900,000 bytes (largest texts first, with a `…[truncated N chars]` marker); no 413",
      recovery: "not needed",
      ...tally,
    });
  });

  it("ingestion 400 for the chunk holding one record: the job names the refused records and resends only them", async () => {
    const h = await start(bulk);
    h.ingestion.faults.push(
      {
        kind: "reject",
        status: 400,
        error: { code: "InvalidContent", message: "A row failed the DCR's transformation." },
      },
      {
        times: Infinity,
        when: (r) => r.rows.some((row) => String(row.ProcessCommandLine).startsWith("=cmd|")),
      },
    );
    const error = await h.timer().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IncompleteWindowError);
    expect((error as Error).message).toMatch(
      /not complete: \d+ record\(s\): 400 A row failed the DCR's transformation/,
    );
    const refused = h.ingestion.requests.filter((r) => r.status === 400);
    expect(refused).toHaveLength(1); // a 400 is not retried
    const pending = (await h.tableRecords()).filter((row) => row.LedgerState === "pending");
    expect(pending.map((row) => row.RecordId).sort()).toEqual(
      refused[0]!.rows.map((row) => row.RecordId).sort(),
    );
    expect(h.ingestedRows().length).toBe(bulk.expected.length - pending.length);
    await expectNothingCheckpointed(h);
    h.ingestion.faults.clear();
    await recover(
      h,
      bulk,
      "ingestion 400 for the chunk holding one record",
      "400 for the call that carries the oversized record (the service refuses a whole call)",
      "IncompleteWindowError naming that call's records and the service's message; other calls written; those pending",
    );
  });
});

describe("faults of Table Storage", () => {
  it("Table Storage transaction failure: the claim fails, nothing reaches the custom table", async () => {
    const h = await start(fixture);
    const ledger = h.deps.ledger;
    h.deps.ledger = failTransactions(h, {
      statusCode: 503,
      code: "ServerBusy",
      message: "The server is busy.",
    });
    const error = await h.timer().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TableStoreError);
    expect(error).toMatchObject({
      transient: true,
      message: expect.stringMatching(
        /^Claiming \d+ records in partition record-.* failed: 503 ServerBusy: The server is busy\./,
      ),
    });
    expect(h.ingestedRows()).toEqual([]);
    await expectNothingCheckpointed(h);
    h.deps.ledger = ledger;
    await recover(
      h,
      fixture,
      "Table Storage transaction failure",
      "every entity group transaction answered 503 ServerBusy",
      "TableStoreError (transient) `Claiming N records in partition record-x … failed: 503 ServerBusy`; nothing sent",
    );
  });

  it("Azurite stopped mid-run and restarted: the records sent before it stopped are not sent again", async () => {
    const h = await start(fixture);
    const ingestion = h.deps.ingestion;
    h.deps.ingestion = runBeforeUpload(ingestion, () => h.azurite.stop());
    const error = await h.timer().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TableStoreError);
    expect((error as Error).message).toMatch(
      /^Marking \d+ records as ingested in partition .* failed: .*ECONNREFUSED/,
    );
    expect([...new Set(h.ingestedRows().map((r) => r.RecordId))]).toHaveLength(3);
    h.deps.ingestion = ingestion;
    await h.azurite.restart();
    expect((await h.tableRecords()).map((row) => row.LedgerState)).toEqual(["pending", "pending", "pending"]);
    await expectNothingCheckpointed(h);
    await recover(
      h,
      fixture,
      "Azurite stopped mid-run and restarted",
      "Azurite stopped after the claim, before the upload; restarted before the next run",
      "TableStoreError `Marking N records as ingested … failed: … ECONNREFUSED`; custom table written; ledger pending",
    );
    expect(h.logs.join("\n")).toMatch(/0 written, 3 already present/);
  });
});

describe("crashes and concurrency", () => {
  it("crash between the two sinks: the next run asks the custom table and does not resend", async () => {
    const h = await start(fixture);
    const ledger = h.deps.ledger;
    h.deps.ledger = crashOnce(ledger, "markIngested");
    await expect(h.timer()).rejects.toThrow(/simulated crash in markIngested/);
    expect(h.ingestedRows()).toHaveLength(3);
    await expectNothingCheckpointed(h);
    h.deps.ledger = ledger;
    await recover(
      h,
      fixture,
      "crash between the two sinks",
      "the process dies after the custom table accepted the records, before the ledger marks them",
      "the invocation fails; custom table written, ledger `pending`, watermark unmoved",
    );
    expect(h.logs.join("\n")).toMatch(/0 written, 3 already present/);
  });

  it("crash after the sinks, before the checkpoint: the next run redoes the window and writes nothing new", async () => {
    const h = await start(fixture);
    const checkpoints = h.deps.checkpoints;
    h.deps.checkpoints = crashOnce(checkpoints, "write");
    await expect(h.timer()).rejects.toThrow(/simulated crash in write/);
    await expectNothingCheckpointed(h);
    h.deps.checkpoints = checkpoints;
    await recover(
      h,
      fixture,
      "crash after the sinks, before the checkpoint",
      "the process dies after both sinks, before the watermark is written",
      "the invocation fails; both sinks complete; watermark unmoved",
    );
    expect(h.logs.join("\n")).toMatch(/0 written, 3 already present/);
  });

  it(`two timer runs at once: each record is claimed and uploaded by one of them (${RACE_REPETITIONS} times)`, async () => {
    const h = await start(fixture);
    const { recovery, total } = await repeatRace(h, fixture, async () => {
      // Neither fails: a run that finds records in flight in the other stops before them, watermark held.
      await Promise.all([h.timer(), h.timer()]);
      expect(ids(h.ingestedRows())).toEqual(fixture.expected);
    });
    rows.set("two timer runs at once", {
      fault: `two invocations of the timer over the same window, started together; ${RACE_REPETITIONS} repetitions`,
      outcome:
        "both end without error; each record is claimed, and uploaded, by exactly one; a run that finds records " +
        "in flight in the other stops before them with the watermark held",
      recovery,
      ...total,
    });
  });

  it(`timer and on-demand run at once: no record twice (${RACE_REPETITIONS} times)`, async () => {
    const h = await start(fixture);
    const { recovery, total } = await repeatRace(h, fixture, async () => {
      const [, http] = await Promise.all([h.timer(), h.http(DAY)]);
      expect(http.status).toBe(200);
      expect(ids(h.ingestedRows())).toEqual(fixture.expected);
    });
    rows.set("timer and on-demand run at once", {
      fault: `the timer and \`GET /api/enrich?from=…&to=…\` over the same day, started together; ${RACE_REPETITIONS} repetitions`,
      outcome:
        "both answer; each record is claimed, and uploaded, by exactly one; the other leaves it (HTTP: " +
        "`complete: false`, the timer: stops before the window)",
      recovery,
      ...total,
    });
  });

  it(`two on-demand runs take the same stale records over: exactly one resends each (${RACE_REPETITIONS} times)`, async () => {
    const h = await start(fixture);
    const { recovery, total } = await repeatRace(h, fixture, async () => {
      h.ingestion.faults.push({ kind: "reject", status: 500 }, { times: Infinity });
      expect((await h.http(DAY)).body).toMatchObject({ complete: false });
      h.ingestion.faults.clear();
      h.clock.now += SETTLE;
      const answers = await Promise.all([h.http(DAY), h.http(DAY)]);
      const takenOver = answers.map((answer) => (answer.body.written as { takenOver: number }).takenOver);
      expect(takenOver[0]! + takenOver[1]!).toBe(fixture.expected.length);
      expect(ids(h.ingestedRows())).toEqual(fixture.expected);
    });
    rows.set("two on-demand runs take the same stale records over at once", {
      fault:
        "records left pending (upload refused) past ENRICH_SETTLE, then two `GET /api/enrich` over the same day " +
        `started together; ${RACE_REPETITIONS} repetitions`,
      outcome:
        "each stale record is taken over on its ETag by exactly one run, which alone asks the custom table and " +
        "resends it; the other counts it in flight elsewhere",
      recovery,
      ...total,
    });
  });
});

describe("at-least-once delivery", () => {
  it.each([
    [20, 0, "rows queryable only 20 min after ingestion, crash before the ledger update"],
    [
      45,
      3,
      "rows queryable only 45 min after ingestion (past ENRICH_SETTLE), crash before the ledger update",
    ],
  ] as const)(
    "a custom table %i min behind: the run that takes the records over sends them again only if it cannot see them",
    async (latency, extra, name) => {
      const h = await start(fixture, {}, { ingestionLatencyMs: latency * MINUTE });
      const ledger = h.deps.ledger;
      h.deps.ledger = crashOnce(ledger, "markIngested");
      await expect(h.timer()).rejects.toThrow(/simulated crash in markIngested/);
      h.deps.ledger = ledger;
      const { runs, tally } = await catchUp(h, fixture.expected, extra);
      expect(h.logs.join("\n")).toMatch(
        extra === 0
          ? /0 written, 3 already present, 3 taken over/
          : /3 written, 0 already present, 3 taken over/,
      );
      rows.set(name, {
        fault: `the custom table shows rows ${latency} min after it accepts them; the process dies after the upload, before the ledger marks the records`,
        outcome:
          "the invocation fails; custom table written (not yet queryable), ledger `pending`; the next run leaves " +
          "the records to the run that claimed them (younger than ENRICH_SETTLE) and stops before the window",
        recovery:
          extra === 0
            ? `${recoveryText(runs)}; the run that took the records over found them in the custom table`
            : `${recoveryText(runs)}; the run that took them over could not see them yet and sent them again: ` +
              "one extra row a record, one alert (the rule raises a RecordId in the slice of its first ingestion)",
        ...tally,
      });
    },
  );

  it("ingestion answer lost after the chunk was stored: the SDK's retry stores it again; one alert a record", async () => {
    const h = await start(fixture);
    h.ingestion.faults.push({ kind: "lostAnswer" });
    await h.timer();
    expect(h.ingestion.requests.map((r) => [r.stored, r.status])).toEqual([
      [true, undefined],
      [true, 204],
    ]);
    const { runs, tally } = await catchUp(h, fixture.expected, fixture.expected.length);
    rows.set("ingestion answer lost after the chunk was stored", {
      fault: "the service stores the chunk, then the connection resets before its 204",
      outcome:
        "succeeds: the SDK sends the chunk again and the service stores it again; the ledger marks the records " +
        "ingested once",
      recovery: `${recoveryText(runs)}; one extra row a record of the chunk, one alert each`,
      ...tally,
    });
  });
});

describe("orphaned pending records (the sweep)", () => {
  it("orphan whose page is no longer rare: rechecked and abandoned, with the reason, never resent", async () => {
    const page = { ...fixture.data, iis: [...fixture.data.iis] };
    const h = await start({ data: page, expected: [] });
    h.ingestion.faults.push({ kind: "reject", status: 500 }, { times: Infinity });
    await expect(h.timer()).rejects.toBeInstanceOf(IncompleteWindowError);
    h.ingestion.faults.clear();
    // Three more clients request the shell page: it is no longer rare (at most 3).
    page.iis.push(...visitors("/uploads/help.aspx", ["198.51.100.21", "198.51.100.22", "198.51.100.23"]));
    const runs = await settle(h);
    const table = await h.tableRecords();
    expect(table.map((row) => row.LedgerState)).toEqual(["abandoned", "abandoned", "abandoned"]);
    for (const row of table)
      expect(row.AbandonReason).toMatch(/^superseded: alert .* no longer yields this record/);
    expect(h.logs.join("\n")).toMatch(/sweep: 3 stale pending, 0 already present, 0 resent, 3 abandoned/);
    expect(h.ingestedRows()).toEqual([]);
    expect(h.ruleAlerts().size).toBe(0);
    rows.set("orphan whose page is no longer rare", {
      fault:
        "records left pending (upload refused); then three more clients request the shell page, so the window " +
        "recomputed without the refusal no longer produces them",
      outcome: "IncompleteWindowError; ledger `pending`; the next run completes the window without them",
      recovery:
        `${runs} runs: the first run after ENRICH_SETTLE sweeps them: taken over, not in the custom table, their ` +
        "alerts read again with the latest baseline, no longer findings: marked `abandoned` with the reason, " +
        "counted in the run summary, not sent; the command line on the same data finds none",
      ...(await tallySinks(h, [])),
    });
  });

  it("orphan of a stopped on-demand run: swept, rechecked and sent once", async () => {
    // The timer reads only the last hour's alerts, so no window of it reads the on-demand run's alerts again.
    const h = await start(fixture, { ENRICH_FIRST_RUN_LOOKBACK: "PT1H" });
    h.ingestion.faults.push({ kind: "reject", status: 500 }, { times: Infinity });
    expect((await h.http(DAY)).body).toMatchObject({ complete: false });
    h.ingestion.faults.clear();
    const { runs, tally } = await catchUp(h, fixture.expected);
    expect(h.logs.join("\n")).toMatch(/sweep: 3 stale pending, 0 already present, 3 resent, 0 abandoned/);
    rows.set("orphan of a stopped on-demand run", {
      fault:
        "`GET /api/enrich` over a past day whose upload is refused: its records stay pending, and no timer window reads their alerts",
      outcome: "200 with the records, `complete: false` and where it stopped; ledger `pending`",
      recovery: `${recoveryText(runs)}; the sweep took them over, rechecked their alerts and sent them`,
      ...tally,
    });
  });
});

const DAY = { from: "2026-11-20T00:00:00Z", to: "2026-11-21T00:00:00Z" };
const SETTLE = 30 * MINUTE;

/** GETs of `page` on WEB01 from each address, just after the harness's start. */
function visitors(page: string, addresses: readonly string[]): W3CIISLogRow[] {
  return addresses.map((cIP, i) => ({
    TimeGenerated: `2026-11-22T00:0${i + 1}:00.000Z`,
    sSiteName: "W3SVC1",
    sComputerName: "WEB01",
    sIP: "10.1.0.11",
    csMethod: "GET",
    csUriStem: page,
    cIP,
    scStatus: "200",
  }));
}
