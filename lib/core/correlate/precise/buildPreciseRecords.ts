import { makeBag, makeSet, splitAt } from "../../kusto.js";
import type { EngineOptions } from "../../model/EngineOptions.js";
import { formatTimestamp } from "../../model/parseTimestamp.js";
import type { ProcessObservation } from "../../model/ProcessObservation.js";
import type { WebRequest } from "../../model/WebRequest.js";
import { compareRecords } from "../../records/compareRecords.js";
import { computeRecordId } from "../../records/computeRecordId.js";
import type { EnrichmentRecord, EvidenceRequest } from "../../records/EnrichmentRecord.js";
import { truncateWithMarker } from "../../records/truncateWithMarker.js";
import type { DistinctIpBaseline } from "../DistinctIpBaseline.js";
import { attackerAddress } from "./requestIdentity.js";

/**
 * A request that ran on a command's host while the command's process started, with what grouping and the
 * baseline read from it, worked out once per request when it matched.
 */
export interface Match {
  observation: ProcessObservation;
  request: WebRequest;
  /** `csUriStem` in lower case: one page whatever its spelling. */
  page: string;
  /** `attackerAddress(request)`. */
  attacker: string;
  /** The correlator's `baselineKey(request)`. */
  baselineKey: string;
}

/**
 * Groups matches into records, one per (process, shell page, attacker IP) (docs/design.md §4.7), whichever sources saw
 * the process, and keeps those whose page is rare: at most `distinctIpThreshold` distinct client addresses in the
 * baseline.
 */
export function buildPreciseRecords(
  matches: readonly Match[],
  baseline: DistinctIpBaseline,
  options: Pick<EngineOptions, "distinctIpThreshold" | "evidenceCap">,
  enrichedAt: number,
): EnrichmentRecord[] {
  // process → page → attacker → matches: nested maps, no key text to build per match.
  const groups = new Map<string, Map<string, Map<string, Match[]>>>();
  for (const match of matches) {
    const byPage = getOrAdd(
      groups,
      match.observation.identity,
      () => new Map<string, Map<string, Match[]>>(),
    );
    getOrAdd(
      getOrAdd(byPage, match.page, () => new Map<string, Match[]>()),
      match.attacker,
      () => [],
    ).push(match);
  }

  const records: EnrichmentRecord[] = [];
  for (const byPage of groups.values()) {
    for (const byAttacker of byPage.values()) {
      for (const group of byAttacker.values()) {
        const distinctIps = group.reduce(
          (most, match) => Math.max(most, baseline.count(match.baselineKey)),
          0,
        );
        if (distinctIps > options.distinctIpThreshold) continue;
        const requests = dedupe(group.map((match) => match.request)).sort(
          (a, b) => a.TimeGenerated - b.TimeGenerated,
        );
        records.push(toRecord(group[0]!.observation, requests, distinctIps, options.evidenceCap, enrichedAt));
      }
    }
  }
  return records.sort(compareRecords);
}

function getOrAdd<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

function toRecord(
  o: ProcessObservation,
  requests: readonly WebRequest[],
  distinctIps: number,
  evidenceCap: number,
  enrichedAt: number,
): EnrichmentRecord {
  const first = requests[0]!;
  const last = requests[requests.length - 1]!;
  const attackerIP = attackerAddress(first);
  // One spelling per host and per shell (docs/design.md §4.11): IIS paths and Windows host names are
  // case-insensitive, and KQL's `summarize by` is not. The spellings as requested stay in the evidence.
  const page = first.csUriStem.toLowerCase();
  const host = outputHost(o.host);
  const userAgents = makeSet(requests.map((request) => request.csUserAgent));
  return {
    TimeGenerated: first.TimeGenerated,
    RecordId: recordIdOf(o, host.name, page, attackerIP),
    MatchMode: "precise",
    SystemAlertId: o.alert?.systemAlertId ?? "",
    AlertName: o.alert?.alertName ?? "",
    AlertTime: o.alert?.alertTime ?? null,
    HostName: host.name,
    DnsDomain: host.domain,
    Sites: makeSet(requests.map((request) => request.sSiteName).filter((site) => site !== "")),
    ShellLocation: page,
    ShellName: splitAt(page, "/", -1),
    ShellDirectory: page.slice(0, page.lastIndexOf("/") + 1),
    ProcessName: o.processName,
    ProcessCommandLine: o.commandLine,
    ProcessId: o.processId,
    ProcessCreationTime: o.creationTime,
    ParentProcessName: o.parentProcessName,
    ProcessSource: o.sources.join(","),
    AttackerIP: attackerIP,
    AttackerUserAgents: userAgents,
    Attacker: makeBag(requests.map((request) => [attackerIP, request.csUserAgent] as const)),
    RequestCount: requests.length,
    FirstRequestTime: first.TimeGenerated,
    LastRequestTime: last.TimeGenerated,
    PageDistinctIPs: distinctIps,
    Evidence: requests.slice(0, evidenceCap).map(toEvidence),
    EnrichedAt: enrichedAt,
  };
}

/**
 * The record id (docs/design.md §4.9): the process (host, id, creation time), the page and the attacker, and not the
 * alert, so the record of a process keeps its id whichever source saw it first. A process without a creation time
 * cannot be matched across sources or told from a later one with its id: the alert that named it is part of its id.
 */
function recordIdOf(o: ProcessObservation, host: string, page: string, attacker: string): string {
  const time = o.creationTime === null ? "" : formatTimestamp(o.creationTime);
  const parts = [host, o.processId, time, page, attacker];
  return computeRecordId(o.creationTime === null ? [...parts, o.alert?.systemAlertId ?? ""] : parts);
}

/**
 * The host as the output names it: the short name in lower case (what IIS rows are matched on), and the DNS domain
 * in lower case, from the alert's `DnsDomain` or else the rest of its fully qualified name.
 */
function outputHost(host: ProcessObservation["host"]): { name: string; domain: string } {
  const full = host.hostName.trim().toLowerCase();
  const dot = full.indexOf(".");
  const name = host.shortName || (dot === -1 ? full : full.slice(0, dot));
  const domain = host.dnsDomain.trim().toLowerCase() || (dot === -1 ? "" : full.slice(dot + 1));
  return { name, domain };
}

// Evidence summarises requests; one attacker-sized field must not crowd the others out of a 32 KB column.
const EVIDENCE_FIELD_CHARS = 2048;

function toEvidence(request: WebRequest): EvidenceRequest {
  const cap = (text: string) => truncateWithMarker(text, EVIDENCE_FIELD_CHARS);
  return {
    time: formatTimestamp(request.TimeGenerated),
    method: cap(request.csMethod),
    uriStem: cap(request.csUriStem),
    uriQuery: cap(request.csUriQuery),
    status: cap(request.scStatus),
    clientIP: cap(request.cIP),
    forwardedFor: cap(request.XForwardedFor),
    userAgent: cap(request.csUserAgent),
    site: cap(request.sSiteName),
    timeTakenMs: request.TimeTaken ?? null,
  };
}

/** The same request object can match through overlapping windows; count it once. */
function dedupe(requests: readonly WebRequest[]): WebRequest[] {
  return [...new Set(requests)];
}
