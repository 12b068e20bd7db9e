import { LogsQueryClient, LogsQueryResultStatus } from "@azure/monitor-query-logs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import {
  type LogAnalyticsServer,
  startLogAnalyticsServer,
} from "../../../tools/doubles/startLogAnalyticsServer.js";
import { staticTokenCredential } from "../../../tools/doubles/staticTokenCredential.js";

const WORKSPACE = "00000000-0000-0000-0000-00000000beef";
const WINDOW = { startTime: new Date("2024-05-01T00:00:00Z"), endTime: new Date("2024-05-01T06:00:00Z") };
/** Real retry behaviour, with millisecond delays instead of seconds. */
const FAST_RETRIES = { maxRetries: 3, retryDelayInMs: 5, maxRetryDelayInMs: 20 };

describe("startLogAnalyticsServer driven by LogsQueryClient", () => {
  let server: LogAnalyticsServer;
  let client: LogsQueryClient;

  beforeAll(async () => {
    server = await startLogAnalyticsServer({ workspaceIds: [WORKSPACE] });
    client = new LogsQueryClient(staticTokenCredential(), {
      ...server.clientOptions,
      retryOptions: FAST_RETRIES,
    });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.faults.clear();
    server.answerWith(() => ({ columns: [{ name: "n", type: "long" }], rows: [[1]] }));
  });

  it("serves rows the way the service does: datetime becomes Date, dynamic becomes a value, strings stay text", async () => {
    const entities = JSON.stringify([{ $id: "2", Type: "process", CommandLine: "cmd /c whoami" }]);
    server.answerWith(() => ({
      columns: [
        { name: "TimeGenerated", type: "datetime" },
        { name: "Entities", type: "string" },
        { name: "Sites", type: "dynamic" },
        { name: "RawBag", type: "dynamic" },
        { name: "Count", type: "long" },
        { name: "Seen", type: "bool" },
      ],
      rows: [
        ["2024-05-01T01:02:03.1234567Z", entities, ["W3SVC1"], '{"10.0.0.1":"curl/8"}', 3, true],
        [new Date("2024-05-01T02:00:00Z"), "", null, "", 0, false],
      ],
    }));

    const result = await client.queryWorkspace(WORKSPACE, "SecurityAlert | take 2", WINDOW);

    expect(result.status).toBe(LogsQueryResultStatus.Success);
    if (result.status !== LogsQueryResultStatus.Success) return;
    const [table] = result.tables;
    expect(table?.name).toBe("PrimaryResult");
    expect(table?.columnDescriptors.map((c) => c.type)).toEqual([
      "datetime",
      "string",
      "dynamic",
      "dynamic",
      "long",
      "bool",
    ]);
    // Seven fractional digits are cut to milliseconds by Date.
    expect(table?.rows[0]).toEqual([
      new Date("2024-05-01T01:02:03.123Z"),
      entities,
      ["W3SVC1"],
      { "10.0.0.1": "curl/8" },
      3,
      true,
    ]);
    // An empty dynamic cell is not JSON: the SDK leaves the empty string as it is.
    expect(table?.rows[1]).toEqual([new Date("2024-05-01T02:00:00Z"), "", null, "", 0, false]);
  });

  it("records the query text, the timespan as an ISO interval, the Prefer header and the bearer token", async () => {
    const before = server.requests.length;
    await client.queryWorkspace(WORKSPACE, "W3CIISLog | count", WINDOW, {
      serverTimeoutInSeconds: 600,
      includeQueryStatistics: true,
      additionalWorkspaces: ["other-workspace"],
    });

    const recorded = server.requests.slice(before);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({
      workspaceId: WORKSPACE,
      query: "W3CIISLog | count",
      timespan: "2024-05-01T00:00:00.000Z/2024-05-01T06:00:00.000Z",
      workspaces: ["other-workspace"],
      preferWait: 600,
      prefer: "wait=600,include-statistics=true",
      status: 200,
    });
    expect(recorded[0]?.headers.authorization).toBe("Bearer test-bearer-token");
    expect(recorded[0]?.headers["content-type"]).toMatch(/^application\/json/);
  });

  it("answers a partial result as HTTP 200 with an error beside the tables: the SDK reports PartialFailure", async () => {
    server.answerWith(() => ({ columns: [{ name: "n", type: "long" }], rows: [[1], [2], [3]] }));
    server.faults.push({ kind: "partial", keepRows: 2 });

    const result = await client.queryWorkspace(WORKSPACE, "big query", WINDOW);

    expect(result.status).toBe(LogsQueryResultStatus.PartialFailure);
    if (result.status !== LogsQueryResultStatus.PartialFailure) return;
    expect(result.partialTables[0]?.rows).toEqual([[1], [2]]);
    expect(result.partialError.code).toBe("PartialError");
    expect(result.partialError.details?.[0]?.code).toBe("EngineError");
    // The SDK's deserializer keeps code and message of each detail but drops its innererror (the engine's reason).
    expect(result.partialError.details?.[0]).not.toHaveProperty("innererror.message");
  });

  it("answers 429 with Retry-After and the SDK retries it, then succeeds", async () => {
    server.faults.push({ kind: "throttled", retryAfterSeconds: 0 }, { times: 2 });
    const before = server.requests.length;

    const result = await client.queryWorkspace(WORKSPACE, "throttled query", WINDOW);

    expect(result.status).toBe(LogsQueryResultStatus.Success);
    expect(server.requests.slice(before).map((r) => r.status)).toEqual([429, 429, 200]);
  });

  it("surfaces a 400 as a RestError carrying the service's code, without retrying it", async () => {
    server.faults.push({ kind: "badRequest" });
    const before = server.requests.length;

    const error = await client
      .queryWorkspace(WORKSPACE, "SecurityAlert | whre x", WINDOW)
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ name: "RestError", statusCode: 400, code: "BadArgumentError" });
    expect(error).toHaveProperty("details.error.innererror.code", "SyntaxError");
    expect(server.requests.length - before).toBe(1);
  });

  it("answers a throwing handler as a 400 semantic error that names the handler's reason", async () => {
    server.answerWith(() => {
      throw new Error("Failed to resolve table 'Nope'");
    });
    const error = await client.queryWorkspace(WORKSPACE, "Nope", WINDOW).catch((e: unknown) => e);
    expect(error).toMatchObject({ statusCode: 400, code: "BadArgumentError" });
    expect(error).toHaveProperty("details.error.innererror.message", "Failed to resolve table 'Nope'");
  });

  it("applies a fault only to the queries its predicate picks", async () => {
    server.faults.push({ kind: "badRequest" }, { when: (r) => r.query.includes("W3CIISLog") });
    await expect(client.queryWorkspace(WORKSPACE, "SecurityAlert", WINDOW)).resolves.toHaveProperty(
      "status",
      "Success",
    );
    await expect(client.queryWorkspace(WORKSPACE, "W3CIISLog", WINDOW)).rejects.toMatchObject({
      statusCode: 400,
    });
    expect(server.faults.size).toBe(0);
  });

  it("retries 500, 503 and 504 answers, and a dropped connection, then succeeds", async () => {
    server.faults.push({ kind: "serverError", status: 500 });
    server.faults.push({ kind: "drop" });
    server.faults.push({ kind: "serverError", status: 503 });
    const before = server.requests.length;

    await expect(client.queryWorkspace(WORKSPACE, "flaky", WINDOW)).resolves.toHaveProperty(
      "status",
      "Success",
    );
    expect(server.requests.slice(before).map((r) => r.status)).toEqual([500, undefined, 503, 200]);
  });

  it("gives up after the SDK's retries on a 504 that does not go away", async () => {
    server.faults.push({ kind: "serverError", status: 504 }, { times: Infinity });
    const before = server.requests.length;

    await expect(client.queryWorkspace(WORKSPACE, "down", WINDOW)).rejects.toMatchObject({
      statusCode: 504,
      code: "GatewayTimeout",
    });
    expect(server.requests.length - before).toBe(1 + FAST_RETRIES.maxRetries);
  });

  it("ends a query that runs past the Prefer wait with a 504 GatewayTimeout, as the service does", async () => {
    const noRetry = new LogsQueryClient(staticTokenCredential(), {
      ...server.clientOptions,
      retryOptions: { maxRetries: 0 },
    });
    server.faults.push({ kind: "gatewayTimeout" });
    const started = Date.now();

    const error = await noRetry
      .queryWorkspace(WORKSPACE, "slow query", WINDOW, { serverTimeoutInSeconds: 1 })
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ statusCode: 504, code: "GatewayTimeout" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(server.requests.at(-1)?.preferWait).toBe(1);
  });

  it("lets requestOptions.timeout end a response that is late", async () => {
    server.faults.push({ kind: "slow", delayMs: 5_000 });
    const before = server.requests.length;
    const started = Date.now();

    const error = await client
      .queryWorkspace(WORKSPACE, "late", WINDOW, { requestOptions: { timeout: 200 } })
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ name: "AbortError" });
    expect(Date.now() - started).toBeLessThan(2_000);
    // A client-side timeout is not retried.
    expect(server.requests.length - before).toBe(1);
  });

  it("shows that queryWorkspace 1.0.0 drops its abortSignal option: the late answer still arrives", async () => {
    // convertToInternalOptions keeps only `prefer` and `requestOptions`; use requestOptions.timeout instead.
    server.faults.push({ kind: "slow", delayMs: 400 });

    const result = await client.queryWorkspace(WORKSPACE, "late", WINDOW, {
      abortSignal: AbortSignal.timeout(50),
    });

    expect(result.status).toBe(LogsQueryResultStatus.Success);
  });

  it("refuses a wrong token with 403 and a workspace the caller cannot read with InsufficientAccessError", async () => {
    const wrongToken = new LogsQueryClient(staticTokenCredential("not-the-token"), server.clientOptions);
    await expect(wrongToken.queryWorkspace(WORKSPACE, "x", WINDOW)).rejects.toMatchObject({
      statusCode: 403,
      code: "InvalidAuthenticationToken",
    });
    await expect(client.queryWorkspace("someone-elses", "x", WINDOW)).rejects.toMatchObject({
      statusCode: 403,
      code: "InsufficientAccessError",
    });
  });

  it("is trusted only by clients given the test certificate: TLS checks stay on", async () => {
    const untrusting = new LogsQueryClient(staticTokenCredential(), {
      endpoint: server.endpoint,
      retryOptions: { maxRetries: 0 },
    });
    await expect(untrusting.queryWorkspace(WORKSPACE, "x", WINDOW)).rejects.toMatchObject({
      code: "DEPTH_ZERO_SELF_SIGNED_CERT",
    });
  });
});
