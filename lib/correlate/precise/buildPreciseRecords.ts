import type { WebRequest } from "../../iis/WebRequest.js";
import { makeBag } from "../../kusto/makeBag.js";
import { makeSet } from "../../kusto/makeSet.js";
import { splitAt } from "../../kusto/splitAt.js";
import { compareRecords } from "../../records/compareRecords.js";
import { computeRecordId } from "../../records/computeRecordId.js";
import type { EnrichmentRecord, EvidenceRequest } from "../../records/EnrichmentRecord.js";
import { truncateWithMarker } from "../../records/truncateWithMarker.js";
import { formatTimestamp } from "../../time/parseTimestamp.js";
import type { Correlator } from "../Correlator.js";
import type { EngineOptions } from "../EngineOptions.js";
import type { ProcessObservation } from "./ProcessObservation.js";
import { attackerAddress } from "./requestIdentity.js";

/** A request that ran on a command's host while the command's process started. */
export interface Match {
  observation: ProcessObservation;
  request: WebRequest;
}

/**
 * Groups matches into records, one per (alert, process, shell page, attacker IP) (DESIGN §4.7), and keeps those
 * whose page is rare: at most `distinctIpThreshold` distinct client addresses in the baseline.
 */
export function buildPreciseRecords(
  matches: readonly Match[],
  correlator: Pick<Correlator, "baseline" | "baselineKey">,
  options: Pick<EngineOptions, "distinctIpThreshold" | "evidenceCap">,
  enrichedAt: number,
): EnrichmentRecord[] {
  const groups = new Map<string, Match[]>();
  for (const match of matches) {
    const o = match.observation;
    const key = JSON.stringify([
      o.origin.systemAlertId,
      o.processId,
      o.creationTime,
      o.commandLine,
      match.request.csUriStem.toLowerCase(),
      attackerAddress(match.request),
    ]);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [match]);
    else group.push(match);
  }

  const records: EnrichmentRecord[] = [];
  for (const group of groups.values()) {
    const requests = dedupe(group.map((match) => match.request)).sort(
      (a, b) => a.TimeGenerated - b.TimeGenerated,
    );
    const distinctIps = requests.reduce(
      (most, request) => Math.max(most, correlator.baseline.count(correlator.baselineKey(request))),
      0,
    );
    if (distinctIps > options.distinctIpThreshold) continue;
    records.push(toRecord(group[0]!.observation, requests, distinctIps, options.evidenceCap, enrichedAt));
  }
  return records.sort(compareRecords);
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
  const page = first.csUriStem;
  const userAgents = makeSet(requests.map((request) => request.csUserAgent));
  return {
    TimeGenerated: first.TimeGenerated,
    RecordId: computeRecordId([
      o.origin.systemAlertId,
      o.processId,
      o.creationTime === null ? "" : formatTimestamp(o.creationTime),
      o.host.shortName || o.host.hostName,
      page.toLowerCase(),
      attackerIP,
    ]),
    MatchMode: "precise",
    SystemAlertId: o.origin.systemAlertId,
    AlertName: o.origin.alertName,
    AlertTime: o.origin.alertTime,
    HostName: o.host.hostName,
    DnsDomain: o.host.dnsDomain,
    Sites: makeSet(requests.map((request) => request.sSiteName).filter((site) => site !== "")),
    ShellLocation: page,
    ShellName: splitAt(page, "/", -1),
    ShellDirectory: page.slice(0, page.lastIndexOf("/") + 1),
    ProcessName: o.processName,
    ProcessCommandLine: o.commandLine,
    ProcessId: o.processId,
    ProcessCreationTime: o.creationTime,
    ParentProcessName: o.parentProcessName,
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
