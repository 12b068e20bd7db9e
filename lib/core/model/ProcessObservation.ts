/**
 * A process seen on a host, from whatever reported it: today a Defender for Endpoint alert, later
 * `DeviceProcessEvents` rows (docs/design.md §9). The precise correlation only reads this, so a new producer is an adapter.
 */
export interface ProcessObservation {
  origin: {
    kind: "SecurityAlert";
    systemAlertId: string;
    alertName: string;
    /** The alert's `TimeGenerated`. */
    alertTime: number | null;
  };
  host: ObservedHost;
  processId: string;
  processName: string;
  commandLine: string;
  creationTime: number | null;
  parentProcessName: string;
  /** The instant the web request must cover: creation time, else the alert's StartTime, else its TimeGenerated. */
  anchor: number;
  /** Why this process counts as web-shell activity. */
  signal: "parent-chain" | "worker-file";
}

export interface ObservedHost {
  /** As the alert spells it. */
  hostName: string;
  dnsDomain: string;
  /** Lower-case first DNS label: what IIS rows are matched on. */
  shortName: string;
  /** Addresses of the host (LastIpAddress, interfaces, tied IP entities), matched against `sIP` as a last resort. */
  addresses: readonly string[];
}
