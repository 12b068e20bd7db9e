import { makeBag, makeSet, splitAt } from "../../kusto.js";
import type { WebRequest } from "../../model/WebRequest.js";
import { compareRecords } from "../../records/compareRecords.js";
import { computeRecordId } from "../../records/computeRecordId.js";
import type { EnrichmentRecord } from "../../records/EnrichmentRecord.js";
import type { DistinctIpBaseline } from "../DistinctIpBaseline.js";
import { COMPAT_LOOKUP_WINDOW_MS, type CompatCommand } from "./CompatCommand.js";

/** The query's `summarize ... by csUriStem, filename, ImageName, CommandLine, HostName, IPCustomEntity, timestamp`. */
interface OutputGroup {
  stem: string;
  imageName: string;
  commandLine: string;
  hostName: string;
  ip: string;
  timestamp: number;
  sites: string[];
  attackers: [string, string][];
}

/** One (site, host, IP, UA, page, bin) group of the query's IIS sub-select. */
interface RequestGroup {
  request: WebRequest;
  start: number;
  end: number;
  timeKey: number;
}

/**
 * The end of the original query (docs/design.md §2–3): the candidates grouped per bin, joined to the commands on bin and
 * exact host name, kept when all of a group's requests share one timestamp (B1), summarised per page, command, host,
 * IP and timestamp, and kept when the page's distinct client IPs are at most `threshold`.
 *
 * @param timeKeysFor the bins of a request where a command waits (`range(bin(t - 1m), bin(t), 30s)`, filtered)
 */
export function buildCompatRecords(
  commands: readonly CompatCommand[],
  candidates: readonly WebRequest[],
  timeKeysFor: (request: WebRequest) => number[],
  baseline: DistinctIpBaseline,
  threshold: number,
  enrichedAt: number,
): EnrichmentRecord[] {
  const groups = groupRequests(candidates, timeKeysFor);
  const output = new Map<string, OutputGroup>();
  for (const command of commands) {
    for (const group of groups.get(joinKey(command.timeKey, command.hostName)) ?? []) {
      // B1: `(StartTime - EndTime) between (0min .. lookupWindow)` holds only when StartTime == EndTime.
      const span = group.start - group.end;
      if (span < 0 || span > COMPAT_LOOKUP_WINDOW_MS) continue;
      const r = group.request;
      const key = JSON.stringify([
        r.csUriStem,
        command.imageName,
        command.commandLine,
        command.hostName,
        r.cIP,
        group.start,
      ]);
      const entry = output.get(key) ?? {
        stem: r.csUriStem,
        imageName: command.imageName,
        commandLine: command.commandLine,
        hostName: command.hostName,
        ip: r.cIP,
        timestamp: group.start,
        sites: [],
        attackers: [],
      };
      entry.sites.push(r.sSiteName);
      entry.attackers.push([r.cIP, r.csUserAgent]);
      output.set(key, entry);
    }
  }
  const records: EnrichmentRecord[] = [];
  for (const group of output.values()) {
    const distinctIps = baseline.count(group.stem);
    if (distinctIps > threshold) continue; // the baseline's `where dcount_SourceIP <= 3`
    records.push(toCompatRecord(group, distinctIps, enrichedAt));
  }
  return records.sort(compareRecords);
}

/** The query's IIS sub-select: one group per (site, host, IP, UA, page, filename, firstDir, TimeKey). */
function groupRequests(
  candidates: readonly WebRequest[],
  timeKeysFor: (request: WebRequest) => number[],
): Map<string, RequestGroup[]> {
  const groups = new Map<string, RequestGroup>();
  for (const r of candidates) {
    for (const timeKey of timeKeysFor(r)) {
      const key = JSON.stringify([
        r.sSiteName,
        r.sComputerName,
        r.cIP,
        r.csUserAgent,
        r.csUriStem,
        splitAt(r.csUriStem, "/", -1),
        splitAt(r.csUriStem, "/", -2),
        timeKey,
      ]);
      const group = groups.get(key);
      if (group === undefined)
        groups.set(key, { request: r, start: r.TimeGenerated, end: r.TimeGenerated, timeKey });
      else {
        group.start = Math.min(group.start, r.TimeGenerated);
        group.end = Math.max(group.end, r.TimeGenerated);
      }
    }
  }
  const byJoinKey = new Map<string, RequestGroup[]>();
  for (const group of groups.values()) {
    const key = joinKey(group.timeKey, group.request.sComputerName);
    const list = byJoinKey.get(key);
    if (list === undefined) byJoinKey.set(key, [group]);
    else list.push(group);
  }
  return byJoinKey;
}

function joinKey(timeKey: number, hostName: string): string {
  return `${timeKey}\u0000${hostName}`;
}

function toCompatRecord(group: OutputGroup, distinctIps: number, enrichedAt: number): EnrichmentRecord {
  const attacker = makeBag(group.attackers);
  return {
    TimeGenerated: group.timestamp,
    RecordId: computeRecordId([
      "compat",
      group.stem,
      group.imageName,
      group.commandLine,
      group.hostName,
      group.ip,
      group.timestamp,
    ]),
    MatchMode: "compat",
    SystemAlertId: "",
    AlertName: "",
    AlertTime: null,
    HostName: group.hostName,
    DnsDomain: "",
    Sites: makeSet(group.sites),
    ShellLocation: group.stem,
    ShellName: splitAt(group.stem, "/", -1),
    ShellDirectory: "",
    ProcessName: group.imageName, // the query's ParentProcess column holds the file entity's name (B6)
    ProcessCommandLine: group.commandLine,
    ProcessId: "",
    ProcessCreationTime: null,
    ParentProcessName: "",
    ProcessSource: "",
    AttackerIP: group.ip,
    AttackerUserAgents: makeSet(Object.values(attacker)),
    Attacker: attacker,
    RequestCount: null,
    FirstRequestTime: null,
    LastRequestTime: null,
    PageDistinctIPs: distinctIps,
    Evidence: [],
    EnrichedAt: enrichedAt,
  };
}
