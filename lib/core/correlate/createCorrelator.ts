import type { Diagnostics } from "../Diagnostics.js";
import type { AlertRow } from "../model/AlertRow.js";
import type { EngineOptions, TimeRange } from "../model/EngineOptions.js";
import { CompatCorrelator } from "./compat/CompatCorrelator.js";
import { extractCompatCommands } from "./compat/extractCompatCommands.js";
import type { Correlator } from "./Correlator.js";
import { collectObservations } from "./precise/collectObservations.js";
import { PreciseCorrelator } from "./precise/PreciseCorrelator.js";

export interface PreparedCorrelation {
  correlator: Correlator;
  /** Alerts the mode selected (compat: MDATP alerts carrying a top-level worker file entity). */
  selectedAlerts: number;
}

/**
 * Reads the alerts of a run and returns the correlator that requests are then fed to, for either mode. Bad alerts
 * are reported to `diagnostics` and left out.
 */
export function createCorrelator(
  alerts: readonly AlertRow[],
  options: EngineOptions,
  range: TimeRange | undefined,
  diagnostics: Diagnostics,
): PreparedCorrelation {
  if (options.mode === "compat") {
    const { join, shellAlerts } = extractCompatCommands(alerts, options, range, diagnostics);
    return { correlator: new CompatCorrelator(join, options, range), selectedAlerts: shellAlerts };
  }
  const collected = collectObservations(alerts, options, range, diagnostics);
  return {
    correlator: new PreciseCorrelator(collected.observations, options, range),
    selectedAlerts: collected.selectedAlerts,
  };
}
