import { MAX_LINKED_GENERATIONS } from "../../core/correlate/precise/WebShellProcessTree.js";
import { PROCESS_CREATED } from "../../core/model/DeviceProcessRow.js";
import { kqlDatetime, kqlString, kqlStringList } from "./kqlLiterals.js";

export interface DeviceProcessQueryParams {
  /** Window start (inclusive) and end (exclusive), epoch ms. */
  from: number;
  to: number;
  /** As for alerts: `ingestion` (the timer) or `time` (on demand, `TimeGenerated`). */
  by: "ingestion" | "time";
  workerImages: readonly string[];
}

/** The DeviceProcessEvents columns the engine reads (`DeviceProcessRow`). */
export const DEVICE_PROCESS_QUERY_COLUMNS = [
  "TimeGenerated",
  "DeviceId",
  "DeviceName",
  "ActionType",
  "FileName",
  "ProcessId",
  "ProcessCommandLine",
  "ProcessCreationTime",
  "InitiatingProcessFileName",
  "InitiatingProcessId",
  "InitiatingProcessCreationTime",
  "InitiatingProcessParentFileName",
] as const;

/**
 * The process creations of a window that can be web-shell processes (docs/design.md §4.12, §6.4), found
 * server-side: on the devices where the web server worker started something, the rows whose initiating process or
 * its parent is the worker, and their descendants linked through (`DeviceId`, `InitiatingProcessId`,
 * `InitiatingProcessCreationTime`), one `let` per generation, {@link MAX_LINKED_GENERATIONS} deep as the engine's
 * rule. Every filter is a superset of that rule (the engine also refuses a worker's own row and keys devices
 * without an id by name), which applies again to what comes back.
 */
export function buildDeviceProcessQuery(params: DeviceProcessQueryParams): string {
  const column = params.by === "ingestion" ? "ingestion_time()" : "TimeGenerated";
  const workers = kqlStringList(params.workerImages);
  const direct = `InitiatingProcessFileName in~ ${workers} or InitiatingProcessParentFileName in~ ${workers}`;
  const generations: string[] = [];
  const linked: string[] = [];
  for (let link = 0; link < MAX_LINKED_GENERATIONS; link++) {
    generations.push(
      `let linked${link} = tree`,
      link === 0 ? "| where Direct" : `| where ParentKey in (linked${link - 1})`,
      "| distinct Key;",
    );
    linked.push(`ParentKey in (linked${link})`);
  }
  return [
    "let processes = DeviceProcessEvents",
    `| where ${column} >= ${kqlDatetime(params.from)} and ${column} < ${kqlDatetime(params.to)}`,
    `| where ActionType == ${kqlString(PROCESS_CREATED)};`,
    "let webShellDevices = processes",
    `| where ${direct}`,
    "| distinct DeviceId;",
    "let tree = processes",
    "| where DeviceId in (webShellDevices)",
    `| extend Key = strcat(DeviceId, "|", ProcessId, "|", ProcessCreationTime)`,
    `| extend ParentKey = strcat(DeviceId, "|", InitiatingProcessId, "|", InitiatingProcessCreationTime)`,
    `| extend Direct = ${direct};`,
    ...generations,
    "tree",
    `| where ${["Direct", ...linked].join(" or ")}`,
    `| project ${DEVICE_PROCESS_QUERY_COLUMNS.join(", ")}`,
  ].join("\n");
}
