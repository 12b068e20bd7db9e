import type { Diagnostics } from "../../Diagnostics.js";
import { parseEntityGraph } from "../../entities/parseEntityGraph.js";
import { equalsIgnoreCase } from "../../kusto.js";
import type { AlertRow } from "../../model/AlertRow.js";
import { type EngineOptions, inRange, type TimeRange } from "../../model/EngineOptions.js";
import type { ProcessObservation } from "../../model/ProcessObservation.js";
import { observeWebShellProcesses } from "./observeWebShellProcesses.js";

export interface CollectedObservations {
  /** Defender alerts in range (one per SystemAlertId). */
  selectedAlerts: number;
  /** Of those, alerts with at least one web-shell command. */
  alertsWithCommands: number;
  observations: ProcessObservation[];
}

/**
 * Selects the Defender for Endpoint alerts of the run (docs/design.md §4.1) and reads their web-shell commands. An alert
 * appears in SecurityAlert once per update; the latest row of each SystemAlertId is the one read. Alerts whose
 * entities cannot be read are reported with the reason and the run goes on.
 */
export function collectObservations(
  alerts: readonly AlertRow[],
  options: Pick<EngineOptions, "alertProviders" | "alertProducts" | "workerImages">,
  range: TimeRange | undefined,
  diagnostics: Diagnostics,
): CollectedObservations {
  const latest = new Map<string, AlertRow>();
  for (const alert of alerts) {
    if (
      alert.TimeGenerated === undefined ||
      !inRange(alert.TimeGenerated, range) ||
      !isDefender(alert, options)
    ) {
      continue;
    }
    const known = latest.get(alert.SystemAlertId);
    if (known === undefined || (known.TimeGenerated ?? 0) <= alert.TimeGenerated)
      latest.set(alert.SystemAlertId, alert);
  }

  const observations: ProcessObservation[] = [];
  let alertsWithCommands = 0;
  for (const alert of latest.values()) {
    const where = { ...alert.origin, alertId: alert.SystemAlertId };
    const graph = parseEntityGraph(alert.Entities);
    if (!graph.ok) {
      diagnostics.skip({ ...where, reason: graph.reason });
      continue;
    }
    for (const issue of graph.issues) diagnostics.warn(`alert ${alert.SystemAlertId}: ${issue}`);
    const result = observeWebShellProcesses(alert, graph, options);
    if (!result.ok) {
      diagnostics.skip({ ...where, reason: result.reason });
      continue;
    }
    if (result.observations.length > 0) alertsWithCommands += 1;
    observations.push(...result.observations);
  }
  return { selectedAlerts: latest.size, alertsWithCommands, observations };
}

function isDefender(
  alert: AlertRow,
  options: Pick<EngineOptions, "alertProviders" | "alertProducts">,
): boolean {
  return (
    options.alertProviders.some((provider) => equalsIgnoreCase(alert.ProviderName, provider)) ||
    options.alertProducts.some((product) => equalsIgnoreCase(alert.ProductName, product))
  );
}
