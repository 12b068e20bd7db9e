import type { Correlator } from "../core/correlate/Correlator.js";
import { createCorrelator, type ProcessCounts } from "../core/correlate/createCorrelator.js";
import { composeBaselineKey } from "../core/correlate/DistinctIpBaseline.js";
import type { Diagnostics } from "../core/Diagnostics.js";
import type { AlertRow } from "../core/model/AlertRow.js";
import type { DeviceProcessRow } from "../core/model/DeviceProcessRow.js";
import type { EngineOptions, TimeRange } from "../core/model/EngineOptions.js";
import { type HostInterval, mergeHostIntervals } from "../core/model/HostInterval.js";
import type { EnrichmentRecord } from "../core/records/EnrichmentRecord.js";
import { toAlertRow } from "../readers/alerts/toAlertRow.js";
import { ExportRowSink } from "../readers/iis/ExportRowSink.js";
import { toDeviceProcessRow } from "../readers/processes/toDeviceProcessRow.js";
import type { Deadline } from "./Deadline.js";
import { buildAlertQuery } from "./kql/buildAlertQuery.js";
import { buildDeviceProcessQuery } from "./kql/buildDeviceProcessQuery.js";
import { buildBaselineQuery, buildCandidateRequestsQuery } from "./kql/buildRequestQueries.js";
import { isKqlSafe } from "./kql/kqlLiterals.js";
import type { WorkspaceQuery } from "./ports.js";
import { queryInBatches } from "./queryInBatches.js";

export interface CollectParams {
  engine: EngineOptions;
  /** Alerts of this window are read. */
  window: TimeRange;
  /** `ingestion` for the timer (late alerts are not missed), `time` on demand (a hunting query's range). */
  alertsBy: "ingestion" | "time";
  /** The run's deadline: each query's server timeout and client wait come from what is left of it. */
  deadline: Deadline;
  /**
   * Precise only: where the rarity baseline ends instead of the window's (or range's) end. The sweep rechecks an
   * old alert with the baseline of the run's latest window, as that window would judge it (docs/design.md §6.5).
   */
  baselineTo?: number;
}

export interface CollectResult {
  records: EnrichmentRecord[];
  alertRows: number;
  /** SystemAlertIds of the alert rows read (the sweep knows from them which alerts this run saw again). */
  alertIds: Set<string>;
  selectedAlerts: number;
  /** DeviceProcessEvents rows the workspace returned (web-shell process candidates). */
  deviceProcessRows: number;
  processes: ProcessCounts;
  commands: number;
  candidateRows: number;
  queries: number;
}

// SecurityAlert's TimeGenerated is stamped at ingestion; a day is ample margin for the `timespan` bound.
const ALERT_INGESTION_MARGIN_MS = 86_400_000;
// DeviceProcessEvents' TimeGenerated is the device's, which can trail ingestion while a device is offline; Log
// Analytics replaces a TimeGenerated more than two days old with the ingestion time, so two days bound it.
const DEVICE_INGESTION_MARGIN_MS = 2 * 86_400_000;
// A TimeGenerated more than a day after the row is received is replaced with the time it was received; up to then a
// device whose clock runs ahead stamps rows later than they arrive, so a read by ingestion time reaches a day past the
// window's end (the query's own filter keeps the window's rows only).
const FUTURE_MARGIN_MS = 86_400_000;
// Merged host windows per query: keeps query text well under the service's limits.
const INTERVALS_PER_QUERY = 200;

/**
 * Finds the records of one window against the workspace: candidate alerts and (precise, when configured) the
 * DeviceProcessEvents rows that can be web-shell processes, then only the IIS rows that can match their commands and
 * the rarity baseline of those rows' pages, all computed server-side (docs/design.md §6). The engine applies its
 * exact rules to what comes back.
 */
export async function collectRecords(
  params: CollectParams,
  workspace: WorkspaceQuery,
  diagnostics: Diagnostics,
  now: () => number,
): Promise<CollectResult> {
  const { engine, window } = params;
  let queries = 0;
  const run = async (kql: string, name: string, start: number, end: number) => {
    const limits = params.deadline.queryLimits(`the ${name} query`);
    queries += 1;
    return workspace.query(kql, { name, timespan: { start, end }, ...limits });
  };

  const sources = engine.processSources;
  const slice = { from: window.from, to: window.to, by: params.alertsBy, workerImages: engine.workerImages };
  // The window's rows of a process source. By ingestion time, the `timespan` (on TimeGenerated) reaches back as far
  // as that table's TimeGenerated can trail ingestion, and forward as far as it can lead it.
  const byIngestion = params.alertsBy === "ingestion";
  const readSource = (kql: string, name: string, ingestionMarginMs: number) =>
    byIngestion
      ? run(kql, name, window.from - ingestionMarginMs, window.to + FUTURE_MARGIN_MS)
      : run(kql, name, window.from, window.to);
  const alertRows = sources.includes("alerts")
    ? await readSource(
        buildAlertQuery({
          ...slice,
          mode: engine.mode,
          providers: engine.alertProviders,
          products: engine.alertProducts,
        }),
        "alerts",
        ALERT_INGESTION_MARGIN_MS,
      )
    : [];
  const alerts = readAlerts(alertRows, diagnostics);
  // Read by the same window and rules as the alerts (docs/design.md §6.2); compat reads alerts only.
  const deviceRows =
    sources.includes("deviceprocessevents") && engine.mode === "precise"
      ? await readSource(buildDeviceProcessQuery(slice), "device processes", DEVICE_INGESTION_MARGIN_MS)
      : [];
  const processes = readDeviceProcessRows(deviceRows, diagnostics);
  // On demand the range also bounds compat's IIS rows and sets precise's baseline end, as on the command line.
  const range = params.alertsBy === "time" ? window : undefined;
  const prepared = createCorrelator(alerts, engine, range, diagnostics, processes);
  const { correlator } = prepared;
  noteBenignExcluded(prepared.processes, diagnostics);

  const intervals = mergeHostIntervals(safeIntervals(correlator, diagnostics));
  let candidateRows = 0;
  // `_ItemId` of every candidate row taken: a row meets every window of its host it falls in, and is still one.
  const seen = new Set<string>();
  const sink = new ExportRowSink("W3CIISLog", { diagnostics }, (request) =>
    correlator.offerCandidate(request),
  );
  await queryInBatches(intervals, INTERVALS_PER_QUERY, async (batch) => {
    const base = {
      mode: engine.mode,
      intervals: batch,
      scriptExtensions: engine.scriptExtensions,
      maxRequestDurationMs: engine.maxRequestDurationMs,
      ...(engine.mode === "compat" && range !== undefined ? { range } : {}),
    };
    const start = Math.min(...batch.map((i) => i.from));
    const end = Math.max(...batch.map((i) => i.to)) + engine.maxRequestDurationMs;
    const rows = await run(buildCandidateRequestsQuery(base), "candidate requests", start, end);
    for (const row of rows) {
      // Rows are told apart by identity, never by value: two identical requests in one second are two requests,
      // as the command line counts them (docs/design.md §6.4). A row without an `_ItemId` is always taken.
      const id = row._ItemId;
      if (typeof id === "string" && id !== "") {
        if (seen.has(id)) continue;
        seen.add(id);
      }
      candidateRows += 1;
      sink.row(toExportRecord(row), candidateRows);
    }
    const baselineTo =
      engine.mode === "compat" ? (range?.to ?? window.to) : (params.baselineTo ?? range?.to ?? window.to);
    const baselineFrom =
      engine.mode === "compat" ? (range?.from ?? window.from) : baselineTo - engine.baselineWindowMs;
    const baselineQuery = buildBaselineQuery({
      ...base,
      baselineFrom,
      baselineTo,
      scope: engine.baselineScope,
      cap: engine.distinctIpThreshold + 1,
    });
    const counts = await run(
      baselineQuery,
      "baseline",
      Math.min(start, baselineFrom),
      Math.max(end, baselineTo),
    );
    for (const count of counts) {
      const page = text(count.Page);
      const key =
        engine.mode === "compat"
          ? page
          : composeBaselineKey(engine.baselineScope, page, text(count.HostKey), text(count.Site));
      correlator.baseline.setCount(key, Number(count.DistinctClients ?? 0));
    }
  });

  return {
    records: correlator.finish(now()),
    alertRows: alertRows.length,
    alertIds: new Set(alerts.map((alert) => alert.SystemAlertId)),
    selectedAlerts: prepared.selectedAlerts,
    deviceProcessRows: deviceRows.length,
    processes: prepared.processes,
    commands: correlator.commandCount,
    candidateRows,
    queries,
  };
}

function readAlerts(rows: readonly Record<string, unknown>[], diagnostics: Diagnostics): AlertRow[] {
  const alerts: AlertRow[] = [];
  rows.forEach((row, index) => {
    const alert = toAlertRow(row, { source: "SecurityAlert", line: index + 1 });
    if (typeof alert === "string") {
      const alertId = typeof row.SystemAlertId === "string" ? row.SystemAlertId : undefined;
      diagnostics.skip({
        source: "SecurityAlert",
        ...(alertId === undefined ? { line: index + 1 } : { alertId }),
        reason: alert,
      });
    } else {
      diagnostics.read("SecurityAlert");
      alerts.push(alert);
    }
  });
  return alerts;
}

function readDeviceProcessRows(
  rows: readonly Record<string, unknown>[],
  diagnostics: Diagnostics,
): DeviceProcessRow[] {
  const processes: DeviceProcessRow[] = [];
  rows.forEach((record, index) => {
    const row = toDeviceProcessRow(record, { source: "DeviceProcessEvents", line: index + 1 });
    if (typeof row === "string")
      diagnostics.skip({ source: "DeviceProcessEvents", line: index + 1, reason: row });
    else {
      diagnostics.read("DeviceProcessEvents");
      if (row !== null) processes.push(row);
    }
  });
  return processes;
}

/** Says what benign children of IIS were left out (docs/design.md §4.12), as a note of the run. */
function noteBenignExcluded(processes: ProcessCounts, diagnostics: Diagnostics): void {
  if (processes.benignExcluded.size === 0) return;
  const images = [...processes.benignExcluded].map(([image, count]) => `${image} × ${count}`);
  const total = [...processes.benignExcluded.values()].reduce((sum, count) => sum + count, 0);
  diagnostics.warn(
    `DeviceProcessEvents: ${total} benign child process(es) of IIS left out (${images.join(", ")})`,
  );
}

function safeIntervals(correlator: Correlator, diagnostics: Diagnostics): HostInterval[] {
  return correlator.hostIntervals().filter((interval) => {
    if (isKqlSafe(interval.hostKey)) return true;
    diagnostics.warn(
      `host ${JSON.stringify(interval.hostKey)} has characters a query cannot carry: not searched`,
    );
    return false;
  });
}

/** A query row in the shape of a W3CIISLog export row (the SDK gives datetimes as Date). */
function toExportRecord(row: Record<string, unknown>): Record<string, unknown> {
  const { _ItemId: _, TimeGenerated: time, ...columns } = row;
  return { ...columns, TimeGenerated: time instanceof Date ? time.toISOString() : time };
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}
