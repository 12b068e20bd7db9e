import { commandsOf } from "./commandsOf.js";
import { isDefenderAlert } from "./isDefenderAlert.js";
import { isBenignPage, isScriptPage } from "./pageCatalog.js";
import type { Plan, PlannedAlert, PlantedRequest } from "./Plan.js";
import { fieldsAt } from "./Topology.js";
import { clientIpOf } from "./W3cRecord.js";

/** Slack around a request's execution interval (docs/design.md §4.5). */
export const MATCH_SLACK_MS = 60_000;
/** A page is a shell candidate when at most this many distinct client IPs requested it (docs/design.md §4.6). */
export const DISTINCT_IP_THRESHOLD = 3;

/** One record precise mode must report: (alert, process, shell page, attacker IP). */
export interface Finding {
  SystemAlertId: string;
  ProcessId: string;
  ProcessCommandLine: string;
  /** The alert host's short name, in lower case (docs/design.md §4.11). */
  HostName: string;
  /** The page, in lower case: one spelling whatever the requests' (docs/design.md §4.11). */
  ShellLocation: string;
  AttackerIP: string;
  scenario: string;
}

/**
 * The ground truth, computed from the plan with precise mode's rule. Only planted requests need to be looked at:
 * benign traffic never requests a planted page, uses only popular or non-script pages near commands (slots),
 * and popular pages are seeded with more than the threshold of clients. This function checks the part of that it
 * can see and throws on a violation, so a planning mistake cannot silently produce a wrong truth.
 */
export function computeFindings(plan: Plan, popularPages: ReadonlySet<string>): Finding[] {
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

  const found = new Map<string, { finding: Finding; time: number }>();
  for (const alert of plan.alerts) {
    if (!isDefenderAlert(alert) || alert.brokenEntities) continue;
    for (const process of commandsOf(alert)) {
      for (const request of plan.planted) {
        const { record } = request;
        if (!sameHost(alert, request)) continue;
        if (record.time - record.timeTaken - MATCH_SLACK_MS > process.created) continue;
        if (process.created > record.time + MATCH_SLACK_MS) continue;
        const page = record.stem.toLowerCase();
        if (!isScriptPage(record.stem) || !isRare(page)) continue;
        const ip = clientIpOf(record, fieldsAt(request.host, record.time).includes("X-Forwarded-For"));
        const key = [alert.systemAlertId, process.processId, process.createdText, page, ip].join("|");
        const previous = found.get(key);
        if (previous !== undefined && previous.time <= record.time) continue;
        found.set(key, {
          time: record.time,
          finding: {
            SystemAlertId: alert.systemAlertId,
            ProcessId: process.processId,
            ProcessCommandLine: process.commandLine,
            HostName: (alert.hostName.split(".")[0] ?? "").toLowerCase(),
            ShellLocation: page,
            AttackerIP: ip,
            scenario: alert.scenario,
          },
        });
      }
    }
  }
  const alertTime = new Map(plan.alerts.map((a) => [a.systemAlertId, a.timeGenerated]));
  return [...found.values()]
    .sort(
      (a, b) =>
        (alertTime.get(a.finding.SystemAlertId) ?? 0) - (alertTime.get(b.finding.SystemAlertId) ?? 0) ||
        compare(a.finding.SystemAlertId, b.finding.SystemAlertId) ||
        compare(a.finding.ProcessId, b.finding.ProcessId) ||
        compare(a.finding.ShellLocation, b.finding.ShellLocation) ||
        compare(a.finding.AttackerIP, b.finding.AttackerIP),
    )
    .map((f) => f.finding);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sameHost(alert: PlannedAlert, { host, record }: PlantedRequest): boolean {
  if (fieldsAt(host, record.time).includes("s-computername")) {
    return host.computerName.toLowerCase() === (alert.hostName.split(".")[0] ?? "").toLowerCase();
  }
  return host.ip === alert.machine.ip;
}
