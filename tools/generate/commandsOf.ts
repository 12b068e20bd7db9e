import type { PlannedAlert, PlannedProcess } from "./Plan.js";

const WORKER = "w3wp.exe";

/**
 * The processes of an alert that precise mode treats as web-shell commands (docs/design.md §4.3): with parent links,
 * those whose parent chain reaches `w3wp.exe`; without any, every process when the alert carries a `w3wp.exe`
 * file entity. Either way only processes with a command line whose image is not the worker.
 */
export function commandsOf(alert: PlannedAlert): PlannedProcess[] {
  const all = new Set<PlannedProcess>();
  for (const process of alert.processes) {
    for (let p: PlannedProcess | undefined = process; p !== undefined && !all.has(p); p = p.parent)
      all.add(p);
  }
  const isCommand = (p: PlannedProcess) => p.commandLine !== "" && p.image.name.toLowerCase() !== WORKER;
  const hasParentLinks = [...all].some((p) => p.parent !== undefined);
  if (hasParentLinks) return [...all].filter((p) => isCommand(p) && reachesWorker(p));
  const hasWorkerFile = alert.files.some((f) => f.name.toLowerCase() === WORKER);
  return hasWorkerFile ? [...all].filter(isCommand) : [];
}

function reachesWorker(process: PlannedProcess): boolean {
  const seen = new Set<PlannedProcess>();
  for (let p = process.parent; p !== undefined && !seen.has(p); p = p.parent) {
    if (p.image.name.toLowerCase() === WORKER) return true;
    seen.add(p);
  }
  return false;
}
