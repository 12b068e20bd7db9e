import { availableParallelism } from "node:os";

import { createCorrelator, type ProcessCounts } from "../core/correlate/createCorrelator.js";
import type { Diagnostics } from "../core/Diagnostics.js";
import type { EngineOptions, TimeRange } from "../core/model/EngineOptions.js";
import type { EnrichmentRecord } from "../core/records/EnrichmentRecord.js";
import { makeStemFilter } from "../core/scriptStemFilter.js";
import { readAlertFile } from "../readers/alerts/readAlertFile.js";
import {
  emptyReadSummary,
  type IisReadSummary,
  listIisInputFiles,
  readIisFiles,
} from "../readers/iis/readIisInputs.js";
import { correlateInLanes } from "../readers/lanes/correlateInLanes.js";
import { type DeviceProcessesRead, readDeviceProcesses } from "../readers/processes/readDeviceProcesses.js";

export interface OfflineInputs {
  alerts: readonly string[];
  /** DeviceProcessEvents exports (precise mode); none when absent. */
  processes?: readonly string[];
  iis: readonly { path: string; defaultHost?: string }[];
  range: TimeRange | undefined;
}

export interface OfflineResult {
  /** The records in output order, made as they are read: read them once (see `Correlator.records`). */
  records: Iterable<EnrichmentRecord>;
  selectedAlerts: number;
  /** The web-shell processes by source, and the benign ones left out. */
  processes: ProcessCounts;
  /** What reading the DeviceProcessEvents exports gave; `undefined` when none were read. */
  deviceProcesses: Omit<DeviceProcessesRead, "rows"> | undefined;
  commands: number;
  candidates: number;
  iis: IisReadSummary;
}

/** Below this much IIS data a second thread costs more (its start, its own correlator) than it saves. */
const LANES_MIN_BYTES = 64 << 20;
const ONE_LOG_BYTES_PER_THREAD = 768 << 20;

/**
 * Worker threads used by default: one per core beyond the first, up to 3 (each holds a correlator, its own baseline
 * and read buffers). Measured on a 2-core machine at 10 million lines (tools/bench/RESULTS.md): a second thread
 * makes a run take a fifth to a quarter less time with the other core idle (one big log: an eighth), about as long
 * or longer with it busy, and holds 25–130 MiB more; DuckDB, the reference, uses every core too. `--threads 1`
 * keeps a run on one.
 */
export function defaultWorkers(): number {
  return Math.min(availableParallelism() - 1, 3);
}

/**
 * The job on files: alert exports are read whole (they are few), DeviceProcessEvents exports are streamed for their
 * web-shell processes (docs/design.md §4.12), IIS logs stream through the correlator, which
 * keeps only the baseline counts and the requests that can match a command. With 64 MiB of IIS files or more in
 * two files or more (or 768 MiB in one) and `maxWorkers` > 0, they are read on several threads, a large log cut into
 * ranges (see `correlateInLanes`), with the same result.
 * When the alerts give no command at all, no request can match one and the logs are listed but not read.
 * Unreadable inputs throw typed errors; bad rows go to `diagnostics` and the run goes on.
 */
export async function runOffline(
  inputs: OfflineInputs,
  options: EngineOptions,
  diagnostics: Diagnostics,
  now: () => number,
  onProgress?: (bytesRead: number, totalBytes: number) => void,
  maxWorkers = defaultWorkers(),
): Promise<OfflineResult> {
  const alerts = [];
  for (const path of inputs.alerts) alerts.push(...(await readAlertFile(path, diagnostics)));
  let deviceProcesses: DeviceProcessesRead | undefined;
  const processFiles = inputs.processes ?? [];
  if (processFiles.length > 0 && options.mode === "compat") {
    diagnostics.warn(
      "compat reproduces the original query, which reads SecurityAlert only: the DeviceProcessEvents inputs are not read",
    );
  } else if (processFiles.length > 0) {
    deviceProcesses = await readDeviceProcesses(processFiles, options.workerImages, diagnostics);
  }
  const processes = deviceProcesses?.rows ?? [];
  const prepared = createCorrelator(alerts, options, inputs.range, diagnostics, processes);
  const { correlator } = prepared;
  const files = await listIisInputFiles(inputs.iis, diagnostics);
  const bytes = files.reduce((sum, file) => sum + file.size, 0);
  // A thread per file, or per 768 MiB of one log, which the lanes then cut into ranges: below that the cut and a
  // second page table cost what the thread gives (2 cores, one thread against two: 560 MB 1.59 against 1.70 s,
  // 700 MB even, 1 GB 2.76 against 2.60 s, 2.65 GB 5.1 against 4.4 s).
  const workers = Math.min(
    maxWorkers,
    Math.max(files.length - 1, Math.floor(bytes / ONE_LOG_BYTES_PER_THREAD)),
  );
  const noCommand = correlator.commandCount === 0;
  if (noCommand && files.length > 0)
    diagnostics.warn(
      `IIS logs not read (${files.length} file(s)): no alert or process event gave a command to match them to`,
    );
  const iis = noCommand
    ? emptyReadSummary(files)
    : workers > 0 && bytes >= LANES_MIN_BYTES
      ? await correlateInLanes(
          correlator,
          files,
          {
            alerts,
            processes,
            options,
            range: inputs.range,
            examplesPerInput: diagnostics.examplesPerInput,
          },
          diagnostics,
          { workers },
          onProgress,
        )
      : await readIisFiles(
          files,
          {
            acceptStem: makeStemFilter(options.scriptExtensions),
            diagnostics,
            onProgress,
            // Native W3C lines go to the byte-level path, which decodes only the fields and requests it needs.
            onLine: (line) => correlator.observeLine(line),
          },
          (request) => correlator.observe(request),
        );
  return {
    records: correlator.records(now()),
    selectedAlerts: prepared.selectedAlerts,
    processes: prepared.processes,
    deviceProcesses:
      deviceProcesses === undefined
        ? undefined
        : { read: deviceProcesses.read, passes: deviceProcesses.passes },
    commands: correlator.commandCount,
    candidates: correlator.candidateCount,
    iis,
  };
}
