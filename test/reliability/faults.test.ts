import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { MAX_COLUMN_CHARS, MAX_ROW_BYTES } from "../../lib/adapters/azure/toIngestionRow.js";
import { IncompleteWindowError, QueryError, TableStoreError } from "../../lib/core/errors.js";
import { truncateWithMarker } from "../../lib/core/records/truncateWithMarker.js";
import { type AzureHarness, startAzureHarness } from "../functions/azureHarness.js";
import { buildFaultData, type FaultData } from "./buildFaultData.js";
import { crashOnce, failTransactions, runBeforeUpload } from "./faultWrappers.js";
import { expectExactlyOnce } from "./sinkTally.js";
import { markdownTable, writeReportSection } from "./writeReportSection.js";

// Every fault of the reliability issue, through the exported timer handler with the real SDK clients against the
// local protocol doubles and Azurite: the failing run's outcome (typed error, watermark not past the failed data),
// then, after the next successful run, both sinks hold exactly the expected records once. Each case adds a row to
// docs/reliability.md.

const MINUTE = 60_000;
/** The timer's period in production (ENRICH_SCHEDULE every 15 min): past the 5 min settle time of pending records. */
const NEXT_SCHEDULE = 15 * MINUTE;

interface FaultRow {
  fault: string;
  outcome: string;
  recovery: string;
  expected: number;
  lost: number;
  duplicated: number;
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
    ["case", "fault injected", "outcome of the failing run", "recovery", "expected", "lost", "duplicated"],
    CASES.map((name) => {
      const row = rows.get(name)!;
      return [name, row.fault, row.outcome, row.recovery, row.expected, row.lost, row.duplicated];
    }),
  );
  const total = [...rows.values()];
  const summary =
    `${CASES.length} fault cases tried, ${CASES.length} survived; records expected after recovery: ` +
    `${total.reduce((n, r) => n + r.expected, 0)}, lost: ${total.reduce((n, r) => n + r.lost, 0)}, ` +
    `duplicated: ${total.reduce((n, r) => n + r.duplicated, 0)}.`;
  await writeReportSection("faults", `${table}\n\n${summary}`);
});

// Control characters cost 6 bytes each in JSON (`\u0001`): 1 M of them is 6 MB on the wire, and 32,000 of them
// (the per-column cap) 192 KB, so six such columns make a row over the service's 1 MB per call.
const HOSTILE = `=cmd|' /C calc'!A0 <script>alert(1)</script> "|;//${"\u0001\u0002\u0003\u0004\u001b".repeat(200_000)}`;

async function start(data: FaultData, settings: Record<string, string> = {}): Promise<AzureHarness> {
  harness = await startAzureHarness(data.data, settings);
  return harness;
}

/** Runs the timer once more, one schedule later, and checks both sinks and the watermark. */
async function recover(h: AzureHarness, data: FaultData, name: CaseName, fault: string, outcome: string) {
  h.clock.now += NEXT_SCHEDULE;
  await h.timer();
  const tally = await expectExactlyOnce(h, data.expected);
  expect(await h.watermark()).toBe(h.clock.now - 5 * MINUTE);
  rows.set(name, {
    fault,
    outcome,
    recovery: "next run: both sinks hold every record once; watermark at now − ingestion delay",
    ...tally,
  });
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
    const tally = await expectExactlyOnce(h, fixture.expected);
    rows.set("query answer too large", {
      fault: "candidate requests: partial result whose innererror says E_QUERY_RESULT_SET_TOO_LARGE (once)",
      outcome: "succeeds: the host windows are split in two queries, each answered in full",
      recovery: "not needed",
      ...tally,
    });
  });

  it("query slower than the server timeout: the run fails within its time budget", async () => {
    // A 6 s budget: the query timeout is 6 s, shared by the SDK's 3 attempts (2 s each, `Prefer: wait=2`).
    const h = await start(fixture, { ENRICH_TIME_BUDGET: "PT6S" });
    h.la.faults.push({ kind: "gatewayTimeout" }, { times: Infinity });
    const started = Date.now();
    const error = await h.timer().catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(QueryError);
    expect((error as Error).message).toMatch(/^The alerts query failed \(504 GatewayTimeout\)/);
    expect(h.la.requests.map((r) => [r.preferWait, r.status])).toEqual([
      [2, 504],
      [2, 504],
      [2, 504],
    ]);
    expect(elapsed).toBeLessThan(6_000 + 4_000);
    await expectNothingCheckpointed(h);
    h.la.faults.clear();
    await recover(
      h,
      fixture,
      "query slower than the server timeout",
      "every query ran past its server timeout (the service's 504 GatewayTimeout); ENRICH_TIME_BUDGET=PT6S",
      "QueryError `The alerts query failed (504 GatewayTimeout)` within the budget: 3 tries × `Prefer: wait=2`",
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
    const tally = await expectExactlyOnce(h, bulk.expected);
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

  it("two timer runs at once: each record is claimed by one of them", async () => {
    const h = await start(fixture);
    const runs = await Promise.allSettled([h.timer(), h.timer()]);
    expect(runs.some((run) => run.status === "fulfilled")).toBe(true);
    for (const run of runs) {
      if (run.status === "rejected") expect(run.reason).toBeInstanceOf(IncompleteWindowError);
    }
    expect(h.ingestedRows()).toHaveLength(3);
    await recover(
      h,
      fixture,
      "two timer runs at once",
      "two invocations of the timer over the same window, started together",
      "one completes; the other completes or fails with IncompleteWindowError (records in flight in the other run)",
    );
  });

  it("timer and on-demand run at once: both write through the ledger, no record twice", async () => {
    const h = await start(fixture);
    const [timer, http] = await Promise.allSettled([
      h.timer(),
      h.http({ from: "2026-11-20T00:00:00Z", to: "2026-11-21T00:00:00Z" }),
    ]);
    if (timer.status === "rejected") expect(timer.reason).toBeInstanceOf(IncompleteWindowError);
    expect(http.status).toBe("fulfilled");
    expect(h.ingestedRows()).toHaveLength(3);
    await recover(
      h,
      fixture,
      "timer and on-demand run at once",
      "the timer and `GET /api/enrich?from=…&to=…` over the same day, started together",
      "both answer; a record claimed by one is left to it by the other (in flight → IncompleteWindowError at worst)",
    );
  });
});
