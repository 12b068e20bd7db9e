import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { TableClient } from "@azure/data-tables";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createFakeWorkspace } from "../../tools/doubles/fakeWorkspace.js";
import { makeTestCertificate } from "../../tools/doubles/makeTestCertificate.js";
import { type Azurite, startAzurite } from "../../tools/doubles/startAzurite.js";
import { type FunctionsWorker, startFunctionsWorker } from "../../tools/doubles/startFunctionsWorker.js";
import { type IngestionServer, startIngestionServer } from "../../tools/doubles/startIngestionServer.js";
import {
  type LogAnalyticsServer,
  startLogAnalyticsServer,
} from "../../tools/doubles/startLogAnalyticsServer.js";
import {
  type ManagedIdentityServer,
  startManagedIdentityServer,
} from "../../tools/doubles/startManagedIdentityServer.js";
import { loadCliFixtureWorkspace } from "./azureHarness.js";
import { cliRecords, ids, withoutStamp } from "./expectedRecords.js";

// The compiled app (dist/, built by the test set-up) loaded as the Functions host loads it: a worker double provides
// `@azure/functions-core`, so the real `app.timer`/`app.http` registrations run; the environment is built like
// local.settings.json (its example's `Values`, the doubles' endpoints over them), so the composition root reads
// its settings from the environment, and `DefaultAzureCredential` gets its token from a managed identity endpoint
// double, over the same HTTPS the services speak (NODE_EXTRA_CA_CERTS trusts the doubles' certificate).

const APP_ROOT = process.cwd();
const IDENTITY_CLIENT_ID = "5b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d";
const DAY = { from: "2026-11-20T00:00:00Z", to: "2026-11-21T00:00:00Z" };

let azurite: Azurite;
let ingestion: IngestionServer;
let la: LogAnalyticsServer;
let identity: ManagedIdentityServer;
let worker: FunctionsWorker;
let settings: Record<string, string>;
let folder: string;

beforeAll(async () => {
  const example = JSON.parse(await readFile("local.settings.example.json", "utf8")) as {
    Values: Record<string, string>;
  };
  const certificate = await makeTestCertificate();
  folder = await mkdtemp(join(tmpdir(), "host-"));
  const caFile = join(folder, "doubles-ca.pem");
  await writeFile(caFile, certificate.cert);
  const stream = example.Values.LOGS_INGESTION_STREAM ?? "Custom-WebShellEnrichment_CL";
  [azurite, ingestion, identity] = await Promise.all([
    startAzurite(),
    startIngestionServer({ certificate, streams: [stream] }),
    startManagedIdentityServer({ clientId: IDENTITY_CLIENT_ID }),
  ]);
  la = await startLogAnalyticsServer({
    certificate,
    workspaceIds: [example.Values.LOG_ANALYTICS_WORKSPACE_ID ?? ""],
    answer: createFakeWorkspace({
      ...(await loadCliFixtureWorkspace()),
      customTable: () => ingestion.receivedOf(stream),
    }),
  });
  settings = {
    ...example.Values,
    LOG_ANALYTICS_ENDPOINT: la.endpoint,
    LOGS_INGESTION_ENDPOINT: ingestion.endpoint,
    // Azurite's connection string (its port is random); managed identity reaches the other services.
    ENRICHMENT_TABLE_CONNECTION: azurite.connectionString,
    ENRICHMENT_TABLE_ENDPOINT: "",
    // Far enough back, from the real clock, to reach the fixtures' day in the first run's windows.
    ENRICH_FIRST_RUN_LOOKBACK: `P${Math.ceil((Date.now() - Date.parse(DAY.from)) / 86_400_000) + 1}D`,
    AZURE_CLIENT_ID: IDENTITY_CLIENT_ID,
    IDENTITY_ENDPOINT: identity.endpoint,
    IDENTITY_HEADER: identity.secret,
    NODE_EXTRA_CA_CERTS: caFile,
  };
  worker = await startFunctionsWorker({
    appRoot: APP_ROOT,
    // Nothing of this process's environment but the path: no developer login or stray Azure variable leaks in.
    env: { PATH: process.env.PATH ?? "", ...settings },
  });
}, 120_000);

afterAll(async () => {
  await Promise.all([worker?.close(), la?.close(), ingestion?.close(), identity?.close(), azurite?.stop()]);
  await rm(folder, { recursive: true, force: true });
});

describe("the compiled app in a Functions worker double", () => {
  it("registers the timer on %ENRICH_SCHEDULE% and the HTTP function with its route, methods and key", () => {
    expect(worker.model).toBe("@azure/functions");
    expect(worker.functions.map((f) => f.name).sort()).toEqual(["enrich", "enrichTimer"]);
    const timer = worker.functions.find((f) => f.name === "enrichTimer")!;
    const [timerTrigger] = Object.values(timer.bindings);
    expect(timerTrigger).toMatchObject({
      type: "timerTrigger",
      direction: "in",
      schedule: "%ENRICH_SCHEDULE%",
    });
    const [resolved] = Object.values(timer.resolved);
    expect(resolved?.schedule).toBe(settings.ENRICH_SCHEDULE);
    expect(String(resolved?.schedule).split(/\s+/)).toHaveLength(6);
    const http = worker.functions.find((f) => f.name === "enrich")!;
    expect(Object.values(http.bindings)).toEqual([
      expect.objectContaining({
        type: "httpTrigger",
        direction: "in",
        route: "enrich",
        authLevel: "function",
        methods: ["GET", "POST"],
      }),
      expect.objectContaining({ type: "http", direction: "out" }),
    ]);
  });

  it("runs the timer once: settings from the environment, a managed identity token, records in both sinks", async () => {
    const outcome = await worker.invokeTimer("enrichTimer");
    expect(outcome.error).toBeUndefined();
    const expected = ids(await cliRecords());
    expect(ids(ingestion.rowsOf(settings.LOGS_INGESTION_STREAM ?? ""))).toEqual(expected);
    const table = TableClient.fromConnectionString(
      azurite.connectionString,
      settings.ENRICHMENT_TABLE_NAME ?? "",
      azurite.clientOptions,
    );
    const states: string[] = [];
    for await (const entity of table.listEntities<{ LedgerState?: string }>())
      if (entity.partitionKey !== "checkpoint") states.push(String(entity.LedgerState));
    expect(states).toEqual(expected.map(() => "ingested"));
    expect(outcome.logs.map((line) => line.message).join("\n")).toMatch(
      /enrichment run timer-precise: \d+ window\(s\), .*3 record\(s\) correlated, 3 written/,
    );
    // The credential asked the identity endpoint for each service's audience, as the app's identity.
    expect(new Set(identity.requests.map((r) => [r.resource, r.clientId, r.status].join(" ")))).toEqual(
      new Set([
        `https://api.loganalytics.io ${IDENTITY_CLIENT_ID} 200`,
        `https://monitor.azure.com ${IDENTITY_CLIENT_ID} 200`,
      ]),
    );
  });

  it("answers an HTTP request as the host passes it: the same records as the command line", async () => {
    const url = new URL("https://app.example/api/enrich");
    for (const [name, value] of Object.entries({ ...DAY, dryRun: "true" })) url.searchParams.set(name, value);
    const outcome = await worker.invokeHttp("enrich", { method: "GET", url: url.toString() });
    expect(outcome.error).toBeUndefined();
    expect(outcome.http?.status).toBe(200);
    expect(outcome.http?.headers["content-type"]).toMatch(/^application\/json/);
    const body = JSON.parse(outcome.http?.body ?? "{}") as {
      records: Record<string, unknown>[];
      complete: boolean;
    };
    const range = { from: Date.parse(DAY.from), to: Date.parse(DAY.to) };
    expect(body.records.map(withoutStamp)).toEqual(await cliRecords("precise", range));
    expect(body.complete).toBe(true);
  });

  it("refuses to index the timer when ENRICH_SCHEDULE is not set, as the host does", async () => {
    const { ENRICH_SCHEDULE: _, ...withoutSchedule } = settings;
    await expect(
      startFunctionsWorker({ appRoot: APP_ROOT, env: { PATH: process.env.PATH ?? "", ...withoutSchedule } }),
    ).rejects.toThrow(/'%ENRICH_SCHEDULE%' does not resolve to a value/);
  });
});
