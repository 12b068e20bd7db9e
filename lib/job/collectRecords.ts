import type { Correlator } from "../core/correlate/Correlator.js";
import { createCorrelator } from "../core/correlate/createCorrelator.js";
import { composeBaselineKey } from "../core/correlate/DistinctIpBaseline.js";
import type { Diagnostics } from "../core/Diagnostics.js";
import type { AlertRow } from "../core/model/AlertRow.js";
import type { EngineOptions, TimeRange } from "../core/model/EngineOptions.js";
import { type HostInterval, mergeHostIntervals } from "../core/model/HostInterval.js";
import type { EnrichmentRecord } from "../core/records/EnrichmentRecord.js";
import { toAlertRow } from "../readers/alerts/toAlertRow.js";
import { ExportRowSink } from "../readers/iis/ExportRowSink.js";
import type { Deadline } from "./Deadline.js";
import { buildAlertQuery } from "./kql/buildAlertQuery.js";
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
  commands: number;
  candidateRows: number;
  queries: number;
}

// SecurityAlert's TimeGenerated is stamped at ingestion; a day is ample margin for the `timespan` bound.
const ALERT_INGESTION_MARGIN_MS = 86_400_000;
// Merged host windows per query: keeps query text well under the service's limits.
const INTERVALS_PER_QUERY = 200;

/**
 * Finds the records of one window against the workspace: candidate alerts, then only the IIS rows that can match
 * their commands and the rarity baseline of those rows' pages, both computed server-side (docs/design.md §6). The engine
 * applies its exact rules to what comes back.
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

  const alertQuery = buildAlertQuery({
    mode: engine.mode,
    from: window.from,
    to: window.to,
    by: params.alertsBy,
    providers: engine.alertProviders,
    products: engine.alertProducts,
    workerImages: engine.workerImages,
  });
  const margin = params.alertsBy === "ingestion" ? ALERT_INGESTION_MARGIN_MS : 0;
  const alertRows = await run(alertQuery, "alerts", window.from - margin, window.to);
  const alerts = readAlerts(alertRows, diagnostics);
  // On demand the range also bounds compat's IIS rows and sets precise's baseline end, as on the command line.
  const range = params.alertsBy === "time" ? window : undefined;
  const { correlator, selectedAlerts } = createCorrelator(alerts, engine, range, diagnostics);

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
    selectedAlerts,
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
