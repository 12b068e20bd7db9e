import { LogsQueryClient } from "@azure/monitor-query-logs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { LogAnalyticsWorkspace } from "../../../../lib/adapters/azure/LogAnalyticsWorkspace.js";
import { QueryError } from "../../../../lib/core/errors.js";
import {
  type LogAnalyticsServer,
  startLogAnalyticsServer,
} from "../../../../tools/doubles/startLogAnalyticsServer.js";
import { staticTokenCredential } from "../../../../tools/doubles/staticTokenCredential.js";

const WORKSPACE = "3f0c5a1e-8b2d-4c7e-9a6f-1d2e3b4c5a6f";
const TIMESPAN = { start: Date.parse("2026-11-20T00:00:00Z"), end: Date.parse("2026-11-21T00:00:00Z") };

describe("LogAnalyticsWorkspace: the query's time limits", () => {
  let server: LogAnalyticsServer;
  let workspace: LogAnalyticsWorkspace;
  beforeAll(async () => {
    server = await startLogAnalyticsServer({
      answer: () => ({ columns: [{ name: "n", type: "long" }], rows: [[1]] }),
    });
    const client = new LogsQueryClient(staticTokenCredential(), {
      ...server.clientOptions,
      retryOptions: { maxRetries: 2, retryDelayInMs: 10, maxRetryDelayInMs: 50 },
    });
    workspace = new LogAnalyticsWorkspace(client, WORKSPACE, 3);
  });
  afterAll(() => server.close());
  beforeEach(() => server.faults.clear());

  const query = (serverTimeoutSeconds: number, clientTimeoutMs: number) =>
    workspace.query("print n = 1", {
      name: "test",
      timespan: TIMESPAN,
      serverTimeoutSeconds,
      clientTimeoutMs,
    });

  it("shares the server timeout among the SDK's tries, each as `Prefer: wait`", async () => {
    expect(await query(90, 95_000)).toEqual([{ n: 1 }]);
    expect(server.requests.at(-1)?.preferWait).toBe(30);
  });

  it("stops the whole call, retries and their back-off included, at the client's timeout", async () => {
    // The service asks the client to wait 30 s before trying again, on every try.
    server.faults.push({ kind: "throttled", retryAfterSeconds: 30 }, { times: Infinity });
    const before = server.requests.length;
    const started = performance.now();
    const error = await query(3, 800).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryError);
    expect(error).toMatchObject({ reason: "timeout", transient: true });
    expect(server.requests.length - before).toBe(1);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it("stops waiting for an answer that does not come at the client's timeout", async () => {
    server.faults.push({ kind: "slow", delayMs: 20_000 }, { times: Infinity });
    const before = server.requests.length;
    const error = await query(3, 800).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "QueryError", reason: "timeout" });
    // Each try may wait 1 s (its share of 3 s): the call ended before the first try's own timeout, not after three.
    expect(server.requests.length - before).toBe(1);
  });
});
