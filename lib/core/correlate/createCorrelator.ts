import type { Diagnostics } from "../Diagnostics.js";
import type { AlertRow } from "../model/AlertRow.js";
import type { DeviceProcessRow } from "../model/DeviceProcessRow.js";
import type { EngineOptions, TimeRange } from "../model/EngineOptions.js";
import { CompatCorrelator } from "./compat/CompatCorrelator.js";
import { extractCompatCommands } from "./compat/extractCompatCommands.js";
import type { Correlator } from "./Correlator.js";
import type { HashKey } from "./halfSipHash.js";
import type { PreciseLimits } from "./precise/buildPreciseRecords.js";
import { collectObservations } from "./precise/collectObservations.js";
import { mergeObservations } from "./precise/mergeObservations.js";
import { PreciseCorrelator } from "./precise/PreciseCorrelator.js";
import { WebShellProcessTree } from "./precise/WebShellProcessTree.js";

export interface PreparedCorrelation {
  correlator: Correlator;
  /** Alerts the mode selected (compat: MDATP alerts carrying a top-level worker file entity). */
  selectedAlerts: number;
  /** Precise: the web-shell processes by the sources that saw them, and the benign ones left out. */
  processes: ProcessCounts;
}

/** How many web-shell processes each source gave (precise mode; all zero in compat). */
export interface ProcessCounts {
  /** Named by an alert only. */
  alertOnly: number;
  /** Seen in `DeviceProcessEvents` only. */
  deviceOnly: number;
  /** Named by an alert and seen in `DeviceProcessEvents`. */
  both: number;
  /** Benign children of IIS left out, per image as configured (docs/design.md §4.12). */
  benignExcluded: Map<string, number>;
}

/** What a correlator is made with besides the run's inputs. */
export interface CorrelatorTuning {
  /** What a precise run may hold at once (tests make it small). */
  preciseLimits?: PreciseLimits;
  /** The baseline's hash key (`DistinctIpBaseline`): the run's own, in the threads that read for it. */
  baselineKey?: HashKey;
}

/**
 * Reads the process sources of a run (alerts, and the `DeviceProcessEvents` rows that can be web-shell processes)
 * and returns the correlator that requests are then fed to, for either mode. Bad alerts are reported to
 * `diagnostics` and left out. Compat reproduces the original query, which reads alerts only.
 */
export function createCorrelator(
  alerts: readonly AlertRow[],
  options: EngineOptions,
  range: TimeRange | undefined,
  diagnostics: Diagnostics,
  deviceProcesses: readonly DeviceProcessRow[] = [],
  tuning: CorrelatorTuning = {},
): PreparedCorrelation {
  if (options.mode === "compat") {
    const { join, shellAlerts } = extractCompatCommands(alerts, options, range, diagnostics);
    return {
      correlator: new CompatCorrelator(join, options, range, tuning.baselineKey),
      selectedAlerts: shellAlerts,
      processes: { alertOnly: 0, deviceOnly: 0, both: 0, benignExcluded: new Map() },
    };
  }
  const collected = collectObservations(alerts, options, range, diagnostics);
  const devices = WebShellProcessTree.observe(deviceProcesses, options, range);
  const merged = mergeObservations([...collected.observations, ...devices], options.benignChildren);
  const processes: ProcessCounts = {
    alertOnly: 0,
    deviceOnly: 0,
    both: 0,
    benignExcluded: merged.benignExcluded,
  };
  for (const o of merged.observations) {
    if (o.sources.length > 1) processes.both += 1;
    else if (o.sources[0] === "SecurityAlert") processes.alertOnly += 1;
    else processes.deviceOnly += 1;
  }
  return {
    correlator: new PreciseCorrelator(
      merged.observations,
      options,
      range,
      tuning.preciseLimits,
      tuning.baselineKey,
    ),
    selectedAlerts: collected.selectedAlerts,
    processes,
  };
}
