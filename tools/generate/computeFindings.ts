import { commandsOf } from "./commandsOf.js";
import { isDefenderAlert } from "./isDefenderAlert.js";
import { isBenignPage, isScriptPage } from "./pageCatalog.js";
import type { DeviceProcess, Plan, PlannedAlert, PlannedProcess, PlantedRequest } from "./Plan.js";
import { fieldsAt } from "./Topology.js";
import { clientIpOf } from "./W3cRecord.js";

/** Slack around a request's execution interval (docs/design.md §4.5). */
export const MATCH_SLACK_MS = 60_000;
/** A page is a shell candidate when at most this many distinct client IPs requested it (docs/design.md §4.6). */
export const DISTINCT_IP_THRESHOLD = 3;
/** Images IIS starts on its own, left out when only DeviceProcessEvents saw them (docs/design.md §4.12). */
export const BENIGN_CHILDREN: readonly string[] = [
  "conhost.exe",
  "csc.exe",
  "vbc.exe",
  "cvtres.exe",
  "WerFault.exe",
];
/** Links below a worker's child or grandchild that DeviceProcessEvents rows are followed (docs/design.md §4.12). */
export const MAX_LINKED_GENERATIONS = 3;

const WORKER = "w3wp.exe";

/** One record precise mode must report: (process, shell page, attacker IP). */
export interface Finding {
  /** The earliest Defender alert that named the process; `""` when only DeviceProcessEvents saw it. */
  SystemAlertId: string;
  ProcessId: string;
  ProcessCommandLine: string;
  /** The host's short name, in lower case (docs/design.md §4.11). */
  HostName: string;
  /** The page, in lower case: one spelling whatever the requests' (docs/design.md §4.11). */
  ShellLocation: string;
  AttackerIP: string;
  /** `SecurityAlert`, `DeviceProcessEvents`, or `SecurityAlert,DeviceProcessEvents`. */
  ProcessSource: string;
  scenario: string;
}

/** The ground truth of a data set. */
export interface Truth {
  findings: Finding[];
  /** Web-shell processes only DeviceProcessEvents saw whose image is a benign child of IIS, per image. */
  benignExcluded: Record<string, number>;
}

/** A process as precise mode sees it, from whichever sources. */
interface Seen {
  process: PlannedProcess;
  host: string;
  addresses: Set<string>;
  alert: PlannedAlert | undefined;
  device: DeviceProcess | undefined;
}

/**
 * The ground truth, computed from the plan with precise mode's rule over both process sources. Only planted
 * requests need to be looked at: benign traffic never requests a planted page, uses only popular or non-script
 * pages near commands (slots), and popular pages are seeded with more than the threshold of clients. This function
 * checks the part of that it can see and throws on a violation, so a planning mistake cannot silently produce a
 * wrong truth.
 */
export function computeFindings(plan: Plan, popularPages: ReadonlySet<string>): Truth {
  const clients = new Map<string, Set<string>>();
  for (const { host, record } of plan.planted) {
    const key = record.stem.toLowerCase();
    const ip = clientIpOf(record, fieldsAt(host, record.time).includes("X-Forwarded-For"));
    let set = clients.get(key);
    if (set === undefined) clients.set(key, (set = new Set()));
    set.add(ip);
  }
  const isRare = (page: string) => {
    if (popularPages.has(page)) return false;
    if (isBenignPage(page))
      throw new Error(`computeFindings: planted page ${page} is also in benign traffic's catalog`);
    return (clients.get(page)?.size ?? 0) <= DISTINCT_IP_THRESHOLD;
  };

  const { processes, benignExcluded } = seenProcesses(plan);
  const found = new Map<string, { finding: Finding; time: number; created: number }>();
  for (const [identity, seen] of processes) {
    const { process, alert, device } = seen;
    for (const request of plan.planted) {
      const { record } = request;
      if (!sameHost(seen, request)) continue;
      if (record.time - record.timeTaken - MATCH_SLACK_MS > process.created) continue;
      if (process.created > record.time + MATCH_SLACK_MS) continue;
      const page = record.stem.toLowerCase();
      if (!isScriptPage(record.stem) || !isRare(page)) continue;
      const ip = clientIpOf(record, fieldsAt(request.host, record.time).includes("X-Forwarded-For"));
      const key = [identity, page, ip].join("|");
      const previous = found.get(key);
      if (previous !== undefined && previous.time <= record.time) continue;
      found.set(key, {
        time: record.time,
        created: process.created,
        finding: {
          SystemAlertId: alert?.systemAlertId ?? "",
          ProcessId: process.processId,
          ProcessCommandLine: process.commandLine,
          HostName: seen.host,
          ShellLocation: page,
          AttackerIP: ip,
          ProcessSource: [alert && "SecurityAlert", device && "DeviceProcessEvents"]
            .filter(Boolean)
            .join(","),
          scenario: alert?.scenario ?? device?.scenario ?? "",
        },
      });
    }
  }
  const findings = [...found.values()]
    .sort(
      (a, b) =>
        a.created - b.created ||
        compare(a.finding.HostName, b.finding.HostName) ||
        compare(a.finding.ProcessId, b.finding.ProcessId) ||
        compare(a.finding.ShellLocation, b.finding.ShellLocation) ||
        compare(a.finding.AttackerIP, b.finding.AttackerIP),
    )
    .map((f) => f.finding);
  return { findings, benignExcluded: Object.fromEntries(benignExcluded) };
}

/**
 * Every process precise mode reads, by identity (host, process id, creation time): the commands of readable
 * Defender alerts (the earliest alert naming each) and the web-shell processes of DeviceProcessEvents, less the
 * benign children of IIS no alert named. A device lends its processes the addresses its alerts give its host.
 */
function seenProcesses(plan: Plan): { processes: Map<string, Seen>; benignExcluded: Map<string, number> } {
  const processes = new Map<string, Seen>();
  const entry = (host: string, process: PlannedProcess): Seen => {
    const identity = [host, process.processId, process.created].join("|");
    let seen = processes.get(identity);
    if (seen === undefined) {
      seen = { process, host, addresses: new Set(), alert: undefined, device: undefined };
      processes.set(identity, seen);
    }
    return seen;
  };
  const book = new Map<string, Set<string>>();
  for (const alert of plan.alerts) {
    if (!isDefenderAlert(alert) || alert.brokenEntities) continue;
    const host = shortName(alert.hostName);
    // Only Defender's own host entity carries the address (LastIpAddress); the legacy one names the host only.
    const addresses = alert.shape === "defender" ? [alert.machine.ip] : [];
    for (const process of commandsOf(alert)) {
      const seen = entry(host, process);
      if (seen.alert === undefined || alert.timeGenerated < seen.alert.timeGenerated) seen.alert = alert;
      for (const address of addresses) {
        seen.addresses.add(address);
        book.set(host, (book.get(host) ?? new Set()).add(address));
      }
    }
  }
  for (const device of webShellProcesses(plan.deviceProcesses))
    entry(shortName(device.machine.hostName), device.process).device ??= device;

  const benignExcluded = new Map<string, number>();
  for (const [identity, seen] of processes) {
    for (const address of book.get(seen.host) ?? []) seen.addresses.add(address);
    const image = BENIGN_CHILDREN.find(
      (name) => name.toLowerCase() === seen.process.image.name.toLowerCase(),
    );
    if (seen.alert !== undefined || image === undefined) continue;
    benignExcluded.set(image, (benignExcluded.get(image) ?? 0) + 1);
    processes.delete(identity);
  }
  const ordered = BENIGN_CHILDREN.filter((image) => benignExcluded.has(image));
  return { processes, benignExcluded: new Map(ordered.map((image) => [image, benignExcluded.get(image)!])) };
}

/**
 * The recorded processes that are web-shell processes by DeviceProcessEvents' rule: not the worker, and started by
 * the worker or by one of its children, or linked to such a process through at most {@link MAX_LINKED_GENERATIONS}
 * parents, each recorded.
 */
function webShellProcesses(recorded: readonly DeviceProcess[]): DeviceProcess[] {
  const onDevice = new Set(recorded.map((d) => d.process));
  const links = (process: PlannedProcess): number | undefined => {
    if (process.image.name.toLowerCase() === WORKER) return undefined;
    const parent = process.parent;
    if (parent === undefined) return undefined;
    if (parent.image.name.toLowerCase() === WORKER || parent.parent?.image.name.toLowerCase() === WORKER)
      return 0;
    const above = onDevice.has(parent) ? links(parent) : undefined;
    return above !== undefined && above < MAX_LINKED_GENERATIONS ? above + 1 : undefined;
  };
  return recorded.filter((d) => links(d.process) !== undefined);
}

function shortName(hostName: string): string {
  return (hostName.split(".")[0] ?? "").toLowerCase();
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sameHost(seen: Seen, { host, record }: PlantedRequest): boolean {
  if (fieldsAt(host, record.time).includes("s-computername"))
    return host.computerName.toLowerCase() === seen.host;
  return seen.addresses.has(host.ip);
}
