import { isAggregateLogsUploadError, LogsIngestionClient } from "@azure/monitor-ingestion";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { type IngestionServer, startIngestionServer } from "../../../tools/doubles/startIngestionServer.js";
import { staticTokenCredential } from "../../../tools/doubles/staticTokenCredential.js";

const RULE = "dcr-00000000000000000000000000000000";
const STREAM = "Custom-WebShellEnrichment_CL";
const FAST_RETRIES = { maxRetries: 3, retryDelayInMs: 5, maxRetryDelayInMs: 20 };

/** About 1 KB per row, so `count` rows make about `count` KB of JSON. */
function makeRows(count: number, prefix: string): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => ({
    TimeGenerated: new Date(Date.UTC(2024, 4, 1, 0, 0, i)).toISOString(),
    RecordId: `${prefix}-${i}`,
    ProcessCommandLine: `cmd.exe /c whoami ${"&".repeat(900)}`,
    Sites: ["W3SVC1"],
    RequestCount: i,
  }));
}

const byId = (a: Record<string, unknown>, b: Record<string, unknown>): number =>
  String(a.RecordId).localeCompare(String(b.RecordId));

async function uploadError(promise: Promise<void>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe("startIngestionServer driven by LogsIngestionClient", () => {
  let server: IngestionServer;
  let client: LogsIngestionClient;
  const credential = staticTokenCredential();

  beforeAll(async () => {
    server = await startIngestionServer({ streams: [STREAM] });
    client = new LogsIngestionClient(server.endpoint, credential, {
      ...server.clientOptions,
      retryOptions: FAST_RETRIES,
    });
  });
  afterAll(() => server.close());
  beforeEach(() => server.faults.clear());

  it("receives ~3 MB of rows as several gzip chunks of at most 1 MB and stores every row decoded", async () => {
    const rows = makeRows(3_000, "all");
    const before = server.requests.length;

    await client.upload(RULE, STREAM, rows);

    const chunks = server.requests.slice(before);
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({ ruleId: RULE, stream: STREAM, apiVersion: "2023-01-01", status: 204 });
      expect(chunk.headers["content-encoding"]).toBe("gzip");
      expect(chunk.headers.authorization).toBe("Bearer test-bearer-token");
      expect(chunk.bodyBytes).toBeLessThanOrEqual(1_000_000 + chunk.rows.length + 1);
      expect(chunk.wireBytes).toBeLessThan(chunk.bodyBytes);
    }
    const stored = server.rowsOf(STREAM).filter((row) => String(row.RecordId).startsWith("all-"));
    expect([...stored].sort(byId)).toEqual([...rows].sort(byId));
    expect(credential.requestedScopes).toContainEqual(["https://monitor.azure.com/.default"]);
  });

  it.each([400, 413] as const)(
    "rejects the chunk holding a chosen record with %i: the SDK throws AggregateLogsUploadError with exactly that chunk's rows",
    async (status) => {
      const prefix = `reject${status}`;
      const rows = makeRows(3_000, prefix);
      const target = `${prefix}-1500`;
      server.faults.push(
        { kind: "reject", status },
        { when: (r) => r.rows.some((row) => row.RecordId === target) },
      );
      const before = server.requests.length;

      const error = await uploadError(client.upload(RULE, STREAM, rows));

      expect(isAggregateLogsUploadError(error)).toBe(true);
      if (!isAggregateLogsUploadError(error)) return;
      expect(error.errors).toHaveLength(1);
      const rejected = server.requests.slice(before).filter((r) => r.status === status);
      expect(rejected).toHaveLength(1);
      expect(error.errors[0]?.failedLogs).toEqual(rejected[0]?.rows);
      expect(error.errors[0]?.cause).toMatchObject({ name: "RestError", statusCode: status });
      const stored = server.rowsOf(STREAM).filter((row) => String(row.RecordId).startsWith(`${prefix}-`));
      expect(stored.length + (rejected[0]?.rows.length ?? 0)).toBe(rows.length);
      expect(stored.some((row) => row.RecordId === target)).toBe(false);
    },
  );

  it("carries the service's error code in the RestError of a rejected chunk", async () => {
    server.faults.push({
      kind: "reject",
      status: 400,
      error: { code: "InvalidStream", message: "no such column" },
    });
    const error = await uploadError(client.upload(RULE, STREAM, makeRows(2, "code")));
    expect(isAggregateLogsUploadError(error) && error.errors[0]?.cause).toMatchObject({
      statusCode: 400,
      code: "InvalidStream",
      message: "no such column",
    });
  });

  it("answers 429 with Retry-After, the SDK retries the same gzip body, and every row is stored once", async () => {
    const rows = makeRows(10, "throttled");
    server.faults.push({ kind: "throttled", retryAfterSeconds: 0 });
    const before = server.requests.length;

    await client.upload(RULE, STREAM, rows);

    const seen = server.requests.slice(before);
    expect(seen.map((r) => [r.status, r.attempt])).toEqual([
      [429, 1],
      [204, 2],
    ]);
    expect(server.rowsOf(STREAM).filter((row) => String(row.RecordId).startsWith("throttled-"))).toEqual(
      rows,
    );
  });

  it("retries a dropped connection and a 503, and gives up on a 500 that persists", async () => {
    server.faults.push({ kind: "drop" });
    server.faults.push({ kind: "reject", status: 503 });
    await client.upload(RULE, STREAM, makeRows(5, "flaky"));
    expect(server.rowsOf(STREAM).filter((row) => String(row.RecordId).startsWith("flaky-"))).toHaveLength(5);

    server.faults.push({ kind: "reject", status: 500 }, { times: Infinity });
    const before = server.requests.length;
    const error = await uploadError(client.upload(RULE, STREAM, makeRows(5, "down")));
    expect(isAggregateLogsUploadError(error) && error.errors[0]?.failedLogs).toHaveLength(5);
    expect(server.requests.length - before).toBe(1 + FAST_RETRIES.maxRetries);
  });

  it("stores a chunk and loses its answer: the SDK sends it again and the service holds it twice", async () => {
    const rows = makeRows(4, "lost");
    server.faults.push({ kind: "lostAnswer" });
    const before = server.requests.length;

    await client.upload(RULE, STREAM, rows);

    const seen = server.requests.slice(before);
    expect(seen.map((r) => [r.status, r.attempt, r.stored, r.fault])).toEqual([
      [undefined, 1, true, "lostAnswer"],
      [204, 2, true, undefined],
    ]);
    const copies = server
      .receivedOf(STREAM)
      .filter((entry) => String(entry.row.RecordId).startsWith("lost-"));
    expect(copies.map((entry) => entry.row)).toEqual([...rows, ...rows]);
    expect(new Set(copies.map((entry) => entry.itemId)).size).toBe(8);
  });

  it("succeeds in part: the chunks answered 2xx stay stored when others keep failing", async () => {
    const rows = makeRows(3_000, "part");
    server.faults.push(
      { kind: "reject", status: 503 },
      { times: Infinity, when: (r) => r.rows.some((row) => row.RecordId === "part-0") },
    );
    const error = await uploadError(client.upload(RULE, STREAM, rows));
    expect(isAggregateLogsUploadError(error) && error.errors).toHaveLength(1);
    const stored = server.rowsOf(STREAM).filter((row) => String(row.RecordId).startsWith("part-"));
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.length + (isAggregateLogsUploadError(error) ? error.errors[0]!.failedLogs.length : 0)).toBe(
      rows.length,
    );
  });

  it("stamps each stored row with its clock's time of receipt, and forgets everything on clear", async () => {
    let now = Date.parse("2026-11-22T00:00:00Z");
    const clocked = await startIngestionServer({ clock: () => now });
    try {
      const clockedClient = new LogsIngestionClient(clocked.endpoint, credential, clocked.clientOptions);
      await clockedClient.upload(RULE, STREAM, makeRows(2, "t0"));
      now += 60_000;
      await clockedClient.upload(RULE, STREAM, makeRows(1, "t1"));
      expect(clocked.receivedOf(STREAM).map((entry) => [entry.row.RecordId, entry.receivedAt])).toEqual([
        ["t0-0", now - 60_000],
        ["t0-1", now - 60_000],
        ["t1-0", now],
      ]);
      clocked.clear();
      expect(clocked.rowsOf(STREAM)).toEqual([]);
      expect(clocked.requests).toEqual([]);
    } finally {
      await clocked.close();
    }
  });

  it("sees at most 5 chunks at once, the SDK's default concurrency", async () => {
    const peak = await startIngestionServer();
    try {
      const defaults = new LogsIngestionClient(peak.endpoint, credential, peak.clientOptions);
      // Long enough for every chunk of a round to arrive even on a loaded machine.
      peak.faults.push({ kind: "slow", delayMs: 600 }, { times: Infinity });
      await defaults.upload(RULE, STREAM, makeRows(7_000, "peak"));
      expect(peak.requests.length).toBeGreaterThanOrEqual(7);
      expect(peak.peakConcurrency).toBe(5);
    } finally {
      await peak.close();
    }
  });

  it("answers 413 on its own for a body past its size limit, and 400 for a stream the rule does not declare", async () => {
    const small = await startIngestionServer({ maxBodyBytes: 10_000, streams: [STREAM] });
    try {
      const smallClient = new LogsIngestionClient(small.endpoint, credential, small.clientOptions);
      const tooBig = await uploadError(smallClient.upload(RULE, STREAM, makeRows(20, "big")));
      expect(isAggregateLogsUploadError(tooBig) && tooBig.errors[0]?.cause).toMatchObject({
        statusCode: 413,
        code: "ContentLengthLimitExceeded",
      });
      const unknown = await uploadError(smallClient.upload(RULE, "Custom-Other_CL", makeRows(1, "other")));
      expect(isAggregateLogsUploadError(unknown) && unknown.errors[0]?.cause).toMatchObject({
        statusCode: 400,
      });
      expect(small.rowsOf(STREAM)).toEqual([]);
    } finally {
      await small.close();
    }
  });
});
