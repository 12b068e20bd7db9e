/**
 * A process seen on a host, from whichever sources reported it (docs/design.md §4.12): Defender for Endpoint alerts
 * (`SecurityAlert`) and the device's process events (`DeviceProcessEvents`). The precise correlation only reads
 * this, so a new producer (SecurityEvent 4688, Sysmon event 1: docs/design.md §9) is an adapter.
 */
export interface ProcessObservation {
  /**
   * What tells this process from every other (see {@link processIdentity}): observations of one identity, from any
   * source, are one process and become one observation.
   */
  identity: string;
  /** The sources that saw it, in the order of {@link PROCESS_SOURCES}. */
  sources: readonly ProcessSource[];
  /** The alert that named the process (the earliest, when several did); `null` when no alert did. */
  alert: AlertOrigin | null;
  host: ObservedHost;
  processId: string;
  processName: string;
  commandLine: string;
  creationTime: number | null;
  parentProcessName: string;
  /** The instant the web request must cover: creation time, else the alert's StartTime, else its TimeGenerated. */
  anchor: number;
  /** Why this process counts as web-shell activity. */
  signal: "parent-chain" | "worker-file" | "process-tree";
}

/** The tables a process observation can come from, in the order `ProcessSource` lists them. */
export const PROCESS_SOURCES = ["SecurityAlert", "DeviceProcessEvents"] as const;
export type ProcessSource = (typeof PROCESS_SOURCES)[number];

export interface AlertOrigin {
  systemAlertId: string;
  alertName: string;
  /** The alert's `TimeGenerated`. */
  alertTime: number | null;
}

export interface ObservedHost {
  /** As the source spells it (the alert's host name, the device's fully qualified `DeviceName`). */
  hostName: string;
  dnsDomain: string;
  /** Lower-case first DNS label: what IIS rows are matched on. */
  shortName: string;
  /** Addresses of the host (LastIpAddress, interfaces, tied IP entities), matched against `sIP` as a last resort. */
  addresses: readonly string[];
}

/**
 * A process's identity across sources (docs/design.md §4.12): the host's short name, the process id and the
 * creation time in milliseconds, which Defender reports alike in an alert's process entity and in the device's
 * `DeviceProcessEvents` row. Without a creation time a process cannot be told apart from a later one that reused
 * its id, so `alertId` (the alert that named it) joins the identity and such a process never merges.
 *
 * @example processIdentity("web01", "7804", 1795170930517, "da6341…") // ["web01","7804",1795170930517]
 */
export function processIdentity(
  host: ObservedHost,
  processId: string,
  creationTime: number | null,
  alertId: string,
): string {
  const hostKey = host.shortName !== "" ? host.shortName : `@${[...host.addresses].sort().join(",")}`;
  const parts: (string | number)[] = [hostKey, processId.trim()];
  if (creationTime !== null) parts.push(creationTime);
  else parts.push("", alertId);
  return JSON.stringify(parts);
}
