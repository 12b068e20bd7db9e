import { readAlertFile } from "../alerts/readAlertFile.js";
import { createCorrelator } from "../correlate/createCorrelator.js";
import type { EngineOptions, TimeRange } from "../correlate/EngineOptions.js";
import type { Diagnostics } from "../diagnostics/Diagnostics.js";
import { type IisReadSummary, readIisInputs } from "../iis/readIisInputs.js";
import { makeStemFilter } from "../iis/scriptStemFilter.js";
import type { EnrichmentRecord } from "../records/EnrichmentRecord.js";

export interface OfflineInputs {
  alerts: readonly string[];
  iis: readonly { path: string; defaultHost?: string }[];
  range: TimeRange | undefined;
}

export interface OfflineResult {
  records: EnrichmentRecord[];
  selectedAlerts: number;
  commands: number;
  candidates: number;
  iis: IisReadSummary;
}

/**
 * The job on files: alert exports are read whole (they are few), IIS logs stream through the correlator, which
 * keeps only the baseline counts and the requests that can match a command. Unreadable inputs throw typed errors;
 * bad rows go to `diagnostics` and the run goes on.
 */
export async function runOffline(
  inputs: OfflineInputs,
  options: EngineOptions,
  diagnostics: Diagnostics,
  now: () => number,
  onProgress?: (bytesRead: number, totalBytes: number) => void,
): Promise<OfflineResult> {
  const alerts = [];
  for (const path of inputs.alerts) alerts.push(...(await readAlertFile(path, diagnostics)));
  const { correlator, selectedAlerts } = createCorrelator(alerts, options, inputs.range, diagnostics);
  const iis = await readIisInputs(
    inputs.iis,
    { acceptStem: makeStemFilter(options.scriptExtensions), diagnostics, onProgress },
    (request) => correlator.observe(request),
  );
  return {
    records: correlator.finish(now()),
    selectedAlerts,
    commands: correlator.commandCount,
    candidates: correlator.candidateCount,
    iis,
  };
}
