import { type Diagnostics, formatSkipLocation } from "../../core/Diagnostics.js";
import type { OfflineResult } from "../../job/runOffline.js";
import { toTerminalText } from "./output/escapeForOutput.js";
import type { WrittenRecords } from "./output/writeRecords.js";

/**
 * The run's summary for standard error: what each input gave, what was skipped and why (the first few with
 * file:line), what was selected and found, and how long it took.
 */
export function formatSummary(
  result: Pick<OfflineResult, "selectedAlerts" | "commands" | "candidates"> &
    Partial<Pick<OfflineResult, "iis" | "processes" | "deviceProcesses">>,
  output: WrittenRecords,
  diagnostics: Diagnostics,
  mode: string,
  elapsedMs: number,
): string {
  const lines: string[] = [];
  for (const [source, counts] of diagnostics.inputs) {
    lines.push(`${source}: ${counts.read} row(s) read, ${counts.skipped} skipped`);
    for (const [reason, count] of counts.byReason) lines.push(`  ${count} × ${toTerminalText(reason)}`);
    for (const skip of counts.examples) {
      lines.push(`  skipped ${formatSkipLocation(skip)}: ${toTerminalText(skip.reason)}`);
    }
  }
  const noHost = result.iis?.filesWithoutHost ?? [];
  if (noHost.length > 0) {
    lines.push(
      `${noHost.length} IIS file(s) have no host name (no s-computername; pass --iis-host <name> before them);` +
        ` their rows match by server IP only: ${noHost.slice(0, 5).join(", ")}${noHost.length > 5 ? ", …" : ""}`,
    );
  }
  for (const warning of diagnostics.warnings) lines.push(`note: ${toTerminalText(warning)}`);
  if (diagnostics.droppedWarnings > 0)
    lines.push(`note: ${diagnostics.droppedWarnings} more note(s) not shown`);
  lines.push(...processLines(result, output.bySource));
  lines.push(
    `mode ${mode}: ${result.selectedAlerts} alert(s) selected, ${result.commands} command(s), ` +
      `${result.candidates} candidate request(s), ${output.written} record(s) out${output.cut ? " (cut at --max-records)" : ""}` +
      `${output.closed === true ? " (then the reader closed the output)" : ""}, ` +
      `${diagnostics.totalSkipped} row(s) skipped, ${(elapsedMs / 1000).toFixed(2)} s`,
  );
  return lines.join("\n") + "\n";
}

/**
 * What each process source gave (docs/design.md §4.12): the web-shell processes by the sources that saw them, the
 * benign children of IIS left out and why, and the records written by source. Nothing when no DeviceProcessEvents
 * were read.
 */
function processLines(
  result: Partial<Pick<OfflineResult, "processes" | "deviceProcesses">>,
  bySource: ReadonlyMap<string, number>,
): string[] {
  const { processes, deviceProcesses } = result;
  if (processes === undefined || deviceProcesses === undefined) return [];
  const excluded = [...processes.benignExcluded];
  const total = excluded.reduce((sum, [, count]) => sum + count, 0);
  const count = (source: string) => bySource.get(source) ?? 0;
  return [
    `DeviceProcessEvents: ${deviceProcesses.read} row(s) read in ${deviceProcesses.passes} pass(es)`,
    `processes: ${processes.alertOnly} from SecurityAlert only, ${processes.deviceOnly} from DeviceProcessEvents ` +
      `only, ${processes.both} from both; ${total} benign child process(es) of IIS left out` +
      (excluded.length === 0 ? "" : ` (${excluded.map(([image, n]) => `${image} × ${n}`).join(", ")})`),
    `records by source: ${count("SecurityAlert")} SecurityAlert, ${count("DeviceProcessEvents")} ` +
      `DeviceProcessEvents, ${count("SecurityAlert,DeviceProcessEvents")} both`,
  ];
}
