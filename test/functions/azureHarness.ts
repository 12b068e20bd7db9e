import { readFile } from "node:fs/promises";

import { TableClient } from "@azure/data-tables";
import { InvocationContext } from "@azure/functions";

import { createEnrichHttp } from "../../functions/enrichHttp.js";
import { createEnrichTimer } from "../../functions/enrichTimer.js";
import { createJobDeps } from "../../lib/adapters/azure/createJobDeps.js";
import { Diagnostics } from "../../lib/core/Diagnostics.js";
import type { AppConfig } from "../../lib/job/config/AppConfig.js";
import { parseConfig } from "../../lib/job/config/parseConfig.js";
import { parseDuration } from "../../lib/job/config/parseDuration.js";
import { ALERT_COLUMNS } from "../../lib/job/kql/buildAlertQuery.js";
import type { JobDeps } from "../../lib/job/ports.js";
import { parseW3cText } from "../../lib/readers/w3c/parseW3cText.js";
import {
  createFakeWorkspace,
  type DeviceProcessEventsRow,
  type SecurityAlertRow,
  type W3CIISLogRow,
} from "../../tools/doubles/fakeWorkspace.js";
import { makeTestCertificate } from "../../tools/doubles/makeTestCertificate.js";
import { type Azurite, startAzurite } from "../../tools/doubles/startAzurite.js";
import {
  type IngestionServer,
  type ReceivedRow,
  startIngestionServer,
} from "../../tools/doubles/startIngestionServer.js";
import {
  type LogAnalyticsServer,
  startLogAnalyticsServer,
} from "../../tools/doubles/startLogAnalyticsServer.js";
import { staticTokenCredential } from "../../tools/doubles/staticTokenCredential.js";
import { alertsRaised, RULE } from "../support/runAnalyticsRule.js";

export const WORKSPACE_ID = "3f0c5a1e-8b2d-4c7e-9a6f-1d2e3b4c5a6f";
export const RULE_ID = "dcr-0123456789abcdef0123456789abcdef";
export const STREAM = "Custom-WebShellEnrichment_CL";

/** A data set as a workspace holds it: SecurityAlert and W3CIISLog rows, and DeviceProcessEvents if any. */
export interface WorkspaceData {
  alerts: SecurityAlertRow[];
  iis: W3CIISLogRow[];
  processes?: DeviceProcessEventsRow[];
}

/** How the doubles behave beyond their defaults. */
export interface HarnessOptions {
  /** Time from the ingestion API's receipt until a custom-table row is queryable (default 0). */
  ingestionLatencyMs?: number;
}

/**
 * The Azure side of the app, all real clients against local parts: the Log Analytics query double answering from
 * a data set, the Logs Ingestion double, and Azurite. Handlers are the exported factories of `functions/`, given
 * the same composition root as in Azure (only the credential and TLS trust differ) and a controllable clock, which
 * the doubles share (so rows ingested "20 minutes ago" are tested without waiting).
 */
export interface AzureHarness {
  la: LogAnalyticsServer;
  ingestion: IngestionServer;
  azurite: Azurite;
  config: AppConfig;
  deps: Omit<JobDeps, "log" | "now">;
  clock: { now: number };
  table: TableClient;
  logs: string[];
  ingestionLatencyMs: number;
  timer(): Promise<void>;
  /** A timer invocation with its own clock, for overlapping runs. */
  timerAt(now: number): Promise<void>;
  http(
    query: Record<string, string>,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  /** A second on-demand invocation's handler, on its own clock: for runs that overlap. */
  httpAt(
    now: number,
    query: Record<string, string>,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  ingestedRows(): readonly Record<string, unknown>[];
  /** Every row the custom table received, with its time of receipt. */
  received(): readonly ReceivedRow[];
  /** Alerts the analytics rule raises per RecordId over everything received, run every 15 minutes until now. */
  ruleAlerts(): Map<string, number>;
  tableRecords(): Promise<Record<string, unknown>[]>;
  watermark(): Promise<number | undefined>;
  /** Starts over on empty sinks (a new table, an empty custom table, the clock back), keeping the processes. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

const START = Date.parse("2026-11-22T00:00:00Z");

export async function startAzureHarness(
  data: WorkspaceData,
  settings: Record<string, string> = {},
  options: HarnessOptions = {},
): Promise<AzureHarness> {
  const clock = { now: START };
  const ingestionLatencyMs = options.ingestionLatencyMs ?? 0;
  const certificate = await makeTestCertificate();
  const azurite = await startAzurite({ persistence: "disk" });
  const ingestion = await startIngestionServer({ certificate, streams: [STREAM], clock: () => clock.now });
  const la = await startLogAnalyticsServer({
    certificate,
    workspaceIds: [WORKSPACE_ID],
    answer: createFakeWorkspace({
      ...data,
      customTable: () => ingestion.receivedOf(STREAM),
      ingestionLatencyMs,
      now: () => clock.now,
    }),
  });
  const environment = {
    LOG_ANALYTICS_WORKSPACE_ID: WORKSPACE_ID,
    LOG_ANALYTICS_ENDPOINT: la.endpoint,
    LOGS_INGESTION_ENDPOINT: ingestion.endpoint,
    LOGS_INGESTION_RULE_ID: RULE_ID,
    ENRICHMENT_TABLE_CONNECTION: azurite.connectionString,
    ENRICH_FIRST_RUN_LOOKBACK: "P3D",
    ENRICH_MAX_WINDOW: "P7D",
    ENRICH_INGESTION_DELAY: "PT5M",
    // The second look re-reads every window two hours on; the tests of it set it, the others read each window once.
    ENRICH_SECOND_LOOK: "PT0S",
    ...settings,
  };
  const config = parseConfig(environment);
  const connect = (tableName: string) =>
    createJobDeps(parseConfig({ ...environment, ENRICHMENT_TABLE_NAME: tableName }), {
      credential: staticTokenCredential(),
      pipeline: { tlsOptions: la.clientOptions.tlsOptions },
      retryOptions: { maxRetries: 2, retryDelayInMs: 10, maxRetryDelayInMs: 50 },
    });
  let tableName = config.table.tableName;
  let resets = 0;
  const logs: string[] = [];
  const context = (functionName: string) =>
    new InvocationContext({
      functionName,
      logHandler: (_level, ...args) => logs.push(args.map(String).join(" ")),
    });
  const now = () => clock.now;
  const currentDeps = () => Promise.resolve(harness.deps);
  const timerHandler = createEnrichTimer(currentDeps, now);
  const tableOf = (name: string) =>
    TableClient.fromConnectionString(azurite.connectionString, name, azurite.clientOptions);
  const invokeHttp = async (
    handler: ReturnType<typeof createEnrichHttp>,
    query: Record<string, string>,
    body?: unknown,
  ) => {
    const { HttpRequest } = await import("@azure/functions");
    const url = new URL("https://app.example/api/enrich");
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const request = new HttpRequest({
      method: body === undefined ? "GET" : "POST",
      url: url.toString(),
      ...(body === undefined ? {} : { body: { string: JSON.stringify(body) } }),
    });
    const response = await handler(request, context("enrich"));
    return { status: response.status ?? 200, body: (response.jsonBody ?? {}) as Record<string, unknown> };
  };

  const harness: AzureHarness = {
    la,
    ingestion,
    azurite,
    config,
    deps: await connect(tableName),
    clock,
    table: tableOf(tableName),
    logs,
    ingestionLatencyMs,
    timer: () =>
      timerHandler({ isPastDue: false, scheduleStatus: undefined } as never, context("enrichTimer")),
    http: (query, body) => invokeHttp(createEnrichHttp(currentDeps, now), query, body),
    httpAt: (at, query) =>
      invokeHttp(
        createEnrichHttp(currentDeps, () => at),
        query,
      ),
    timerAt: (at: number) =>
      createEnrichTimer(currentDeps, () => at)(
        {
          isPastDue: false,
          schedule: { adjustForDST: true },
          scheduleStatus: { last: "", next: "", lastUpdated: "" },
        },
        context("enrichTimer"),
      ),
    ingestedRows: () => ingestion.rowsOf(STREAM),
    received: () => ingestion.receivedOf(STREAM),
    // Until every row sent is queryable and old enough for the rule (it waits 5 minutes), and one more execution.
    ruleAlerts: () =>
      alertsRaised(
        ingestion.receivedOf(STREAM),
        ingestionLatencyMs,
        clock.now + ingestionLatencyMs + 2 * (parseDuration(RULE.queryFrequency) ?? 0),
      ),
    async tableRecords() {
      const rows: Record<string, unknown>[] = [];
      for await (const entity of harness.table.listEntities())
        if (entity.partitionKey !== "checkpoint") rows.push(entity);
      return rows;
    },
    async watermark() {
      return (await harness.deps.checkpoints.read(`timer-${config.engine.mode}`))?.value;
    },
    async reset() {
      resets += 1;
      tableName = `${config.table.tableName}${resets}`;
      harness.deps = await connect(tableName);
      harness.table = tableOf(tableName);
      ingestion.clear();
      la.faults.clear();
      logs.length = 0;
      clock.now = START;
    },
    async close() {
      await Promise.all([la.close(), ingestion.close(), azurite.stop()]);
    },
  };
  return harness;
}

/**
 * The CLI fixtures (test/fixtures/cli, or a copy of them in `dir`) as a workspace holds them: alert rows as stored,
 * IIS lines as W3CIISLog.
 */
export async function loadCliFixtureWorkspace(
  dir: URL = new URL("../fixtures/cli/", import.meta.url),
): Promise<WorkspaceData> {
  const alerts = (await readFile(new URL("alerts.jsonl", dir), "utf8"))
    .split("\n")
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as SecurityAlertRow];
      } catch {
        return [];
      }
    })
    .filter((row) => typeof row.TimeGenerated === "string")
    .map(alertColumns);
  const iis: W3CIISLogRow[] = [];
  for (const file of ["iis/web01/u_ex261120.log", "iis/web02/u_ex261120.log"]) {
    const { requests } = parseW3cText(await readFile(new URL(file, dir), "utf8"), {
      source: file,
      diagnostics: new Diagnostics(),
    });
    for (const { XForwardedFor: _, TimeGenerated, ...columns } of requests) {
      iis.push({ ...columns, TimeGenerated: new Date(TimeGenerated).toISOString() });
    }
  }
  return { alerts, iis };
}

/** The SecurityAlert columns the app reads, as the workspace types them (exports carry more, as text). */
function alertColumns(row: SecurityAlertRow): SecurityAlertRow {
  return Object.fromEntries(
    ALERT_COLUMNS.map((column) => [column, row[column]]),
  ) as unknown as SecurityAlertRow;
}
