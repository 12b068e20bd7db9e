import type { MatchMode } from "../../core/model/EngineOptions.js";
import { kqlDatetime, kqlStringList } from "./kqlLiterals.js";

export interface AlertQueryParams {
  mode: MatchMode;
  /** Window start (inclusive) and end (exclusive), epoch ms. */
  from: number;
  to: number;
  /**
   * What the window applies to: `ingestion` (the timer: alerts that *arrived* in the window, so late alerts are not
   * missed) or `time` (on demand: `TimeGenerated`, as a hunting query's time range and the CLI's `--from/--to`).
   */
  by: "ingestion" | "time";
  providers: readonly string[];
  products: readonly string[];
  workerImages: readonly string[];
}

/** The SecurityAlert columns the engine reads (`AlertRow`). */
export const ALERT_COLUMNS = [
  "TimeGenerated",
  "SystemAlertId",
  "AlertName",
  "ProviderName",
  "ProductName",
  "StartTime",
  "EndTime",
  "CompromisedEntity",
  "Entities",
] as const;

/**
 * The candidate alerts of a window. Pushed down: the provider (compat: MDATP only, as the query) or product, and
 * `Entities has_any (workers)`, which every web-shell alert satisfies in both modes (a worker image is named in
 * its entities), so this is a superset of the engine's rule; the engine then reads the entities exactly.
 *
 * Compat returns every row of the selected SystemAlertIds, as the original `join kind=inner (alerts)` does.
 */
export function buildAlertQuery(params: AlertQueryParams): string {
  const column = params.by === "ingestion" ? "ingestion_time()" : "TimeGenerated";
  const window = `${column} >= ${kqlDatetime(params.from)} and ${column} < ${kqlDatetime(params.to)}`;
  const workers = `Entities has_any ${kqlStringList(params.workerImages)}`;
  const project = `| project ${ALERT_COLUMNS.join(", ")}`;
  if (params.mode === "compat") {
    return [
      "let shellAlertIds = SecurityAlert",
      `| where ${window}`,
      `| where ProviderName in~ ${kqlStringList(params.providers)}`,
      `| where ${workers}`,
      "| distinct SystemAlertId;",
      "SecurityAlert",
      `| where ${window}`,
      "| where SystemAlertId in (shellAlertIds)",
      project,
    ].join("\n");
  }
  return [
    "SecurityAlert",
    `| where ${window}`,
    `| where ProviderName in~ ${kqlStringList(params.providers)} or ProductName in~ ${kqlStringList(params.products)}`,
    `| where ${workers}`,
    project,
  ].join("\n");
}
