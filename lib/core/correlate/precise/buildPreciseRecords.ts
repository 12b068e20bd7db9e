import { MatchLimitError } from "../../errors.js";
import { makeBag, makeSet, splitAt } from "../../kusto.js";
import type { EngineOptions } from "../../model/EngineOptions.js";
import { formatTimestamp } from "../../model/parseTimestamp.js";
import type { ProcessObservation } from "../../model/ProcessObservation.js";
import type { WebRequest } from "../../model/WebRequest.js";
import { compareText } from "../../records/compareRecords.js";
import { computeRecordId } from "../../records/computeRecordId.js";
import type { EnrichmentRecord, EvidenceRequest } from "../../records/EnrichmentRecord.js";
import { truncateWithMarker } from "../../records/truncateWithMarker.js";
import type { DistinctIpBaseline } from "../DistinctIpBaseline.js";
import { CoveredRanges } from "./CoveredRanges.js";
import type { HostTimeline } from "./HostTimeline.js";
import { attackerAddress } from "./requestIdentity.js";

/**
 * A request that ran on a command's host while processes started there: the processes it matches are one range of
 * the host's timeline, kept as that range rather than one entry per process, so that a burst of processes and
 * requests on a host costs memory per request, not per pair (docs/design.md §6.1). What grouping and the baseline
 * read from the request is worked out once, when it matched.
 */
export interface RequestMatch {
  request: WebRequest;
  /** `csUriStem` in lower case: one page whatever its spelling. */
  page: string;
  /** `attackerAddress(request)`. */
  attacker: string;
  /** The correlator's `baselineKey(request)`. */
  baselineKey: string;
  timeline: HostTimeline;
  /** The matched processes: positions [first, end) of `timeline`. */
  first: number;
  end: number;
}

/** What the records of one run may hold at once; tests inject small ones. */
export interface PreciseLimits {
  /**
   * Records whose first request is at one instant are ordered together, as (request, process) positions: at most
   * this many of them (about 16 bytes each: 256 MiB), else the run stops with a `MatchLimitError`.
   */
  pairsPerInstant: number;
  /**
   * Records a caller that holds them all (`finish`: the scheduled and HTTP runs) may have, else the same error. A
   * record with its evidence is 1–10 KB: 100,000 of them stay well inside a Functions worker's 1.5 GB.
   */
  heldRecords: number;
}

export const DEFAULT_PRECISE_LIMITS: PreciseLimits = { pairsPerInstant: 1 << 24, heldRecords: 100_000 };

/** The matches of one (page, attacker): a record per process that any of them matched. */
interface Group {
  /** In the order of their requests (by time, then as read). */
  matches: RequestMatch[];
  /** Per timeline, the positions that already have their record. */
  covered: Map<HostTimeline, CoveredRanges>;
}

/**
 * Groups matches into records, one per (process, shell page, attacker IP) (docs/design.md §4.7), whichever sources saw
 * the process, keeps those whose page is rare (at most `distinctIpThreshold` distinct client addresses in the
 * baseline), and gives them in output order (`compareRecords`), one at a time.
 *
 * A record's time is its first request's, so the requests are walked in time order, and each one gives the records
 * of the processes it matches that no earlier request of its (page, attacker) did. The records of one instant are
 * sorted as positions, then made one by one: memory is the matches and one instant's positions, never the product
 * of processes and requests (`limits.pairsPerInstant` bounds that last one).
 */
export function* buildPreciseRecords(
  matches: readonly RequestMatch[],
  baseline: DistinctIpBaseline,
  options: Pick<EngineOptions, "distinctIpThreshold" | "evidenceCap">,
  enrichedAt: number,
  limits: Pick<PreciseLimits, "pairsPerInstant"> = DEFAULT_PRECISE_LIMITS,
): Generator<EnrichmentRecord> {
  const rare = (match: RequestMatch) => baseline.count(match.baselineKey) <= options.distinctIpThreshold;
  // Stable: matches of one time stay as read, the order the records' requests have always had.
  const ordered = [...matches].sort((a, b) => a.request.TimeGenerated - b.request.TimeGenerated);
  const groups = new Map<string, Map<string, Group>>();
  for (const match of ordered) {
    let byAttacker = groups.get(match.page);
    if (byAttacker === undefined) groups.set(match.page, (byAttacker = new Map<string, Group>()));
    let group = byAttacker.get(match.attacker);
    if (group === undefined) byAttacker.set(match.attacker, (group = { matches: [], covered: new Map() }));
    group.matches.push(match);
  }
  // A record takes the most distinct addresses of its requests' keys: a group none of whose keys is rare has none.
  for (const byAttacker of groups.values())
    for (const [attacker, group] of byAttacker) if (!group.matches.some(rare)) byAttacker.delete(attacker);

  const hostNames = new Map<ProcessObservation, string>();
  const hostName = (o: ProcessObservation) => {
    let name = hostNames.get(o);
    if (name === undefined) hostNames.set(o, (name = outputHost(o.host).name));
    return name;
  };

  for (let from = 0; from < ordered.length;) {
    const time = ordered[from]!.request.TimeGenerated;
    let to = from;
    while (to < ordered.length && ordered[to]!.request.TimeGenerated === time) to++;
    // The records whose first request is at `time`, as (match, group, position) in three lists.
    const pairMatch: RequestMatch[] = [];
    const pairGroup: Group[] = [];
    const pairPosition: number[] = [];
    for (let i = from; i < to; i++) {
      const match = ordered[i]!;
      const group = groups.get(match.page)?.get(match.attacker);
      if (group === undefined) continue;
      for (const [start, end] of cover(group, match)) {
        for (let position = start; position < end; position++) {
          if (coveredElsewhere(group, match.timeline, match.timeline.observations[position]!)) continue;
          if (pairPosition.length === limits.pairsPerInstant) {
            throw new MatchLimitError(
              `precise: more than ${limits.pairsPerInstant} (request, process) matches would each start a record ` +
                `at ${formatTimestamp(time)}, more than a run orders in memory: ${describeBurst(matches)}. ` +
                `Leave that time out with --from/--to, or that host's processes or logs`,
            );
          }
          pairMatch.push(match);
          pairGroup.push(group);
          pairPosition.push(position);
        }
      }
    }
    from = to;
    const observationOf = (i: number) => pairMatch[i]!.timeline.observations[pairPosition[i]!]!;
    const order = Uint32Array.from(pairPosition.keys()).sort((a, b) => {
      const oa = observationOf(a);
      const ob = observationOf(b);
      const ma = pairMatch[a]!;
      const mb = pairMatch[b]!;
      // compareRecords after TimeGenerated, which they all share, from what their records will be made of.
      return (
        (oa.creationTime ?? 0) - (ob.creationTime ?? 0) ||
        compareText(hostName(oa), hostName(ob)) ||
        compareText(ma.page, mb.page) ||
        compareText(ma.attacker, mb.attacker) ||
        compareText(oa.commandLine, ob.commandLine) ||
        compareText(
          recordIdOf(oa, hostName(oa), ma.page, ma.attacker),
          recordIdOf(ob, hostName(ob), mb.page, mb.attacker),
        )
      );
    });
    for (const i of order) {
      const observation = observationOf(i);
      const covering = pairGroup[i]!.matches.filter((match) => {
        const position = match.timeline.positionOf(observation);
        return position >= match.first && position < match.end;
      });
      const distinctIps = covering.reduce(
        (most, match) => Math.max(most, baseline.count(match.baselineKey)),
        0,
      );
      if (distinctIps > options.distinctIpThreshold) continue;
      // The same request object can match through overlapping windows; count it once.
      const requests = [...new Set(covering.map((match) => match.request))];
      yield toRecord(observation, requests, distinctIps, options.evidenceCap, enrichedAt);
    }
  }
}

/** The positions of `match` that no earlier request of its group covered on the same timeline. */
function cover(group: Group, match: RequestMatch): [number, number][] {
  let covered = group.covered.get(match.timeline);
  if (covered === undefined) group.covered.set(match.timeline, (covered = new CoveredRanges()));
  return covered.cover(match.first, match.end);
}

/**
 * Whether the group's requests placed on another timeline of the process (by server address rather than host name,
 * or the other way round) already gave it its record.
 */
function coveredElsewhere(group: Group, timeline: HostTimeline, observation: ProcessObservation): boolean {
  if (group.covered.size < 2) return false;
  for (const [other, covered] of group.covered) {
    if (other === timeline) continue;
    const position = other.positionOf(observation);
    if (position >= 0 && covered.has(position)) return true;
  }
  return false;
}

interface Burst {
  pairs: number;
  requests: number;
  first: number;
  end: number;
  from: number;
  to: number;
}

/**
 * The busiest host of the matches, for a message: how many processes its requests matched, how many requests
 * there were, and when they ran.
 */
export function describeBurst(matches: readonly RequestMatch[]): string {
  const byTimeline = new Map<HostTimeline, Burst>();
  for (const match of matches) {
    const time = match.request.TimeGenerated;
    const burst = byTimeline.get(match.timeline);
    const pairs = match.end - match.first;
    if (burst === undefined) {
      byTimeline.set(match.timeline, {
        pairs,
        requests: 1,
        first: match.first,
        end: match.end,
        from: time,
        to: time,
      });
      continue;
    }
    burst.pairs += pairs;
    burst.requests += 1;
    burst.first = Math.min(burst.first, match.first);
    burst.end = Math.max(burst.end, match.end);
    burst.from = Math.min(burst.from, time);
    burst.to = Math.max(burst.to, time);
  }
  let busiest: [HostTimeline, Burst] | undefined;
  for (const entry of byTimeline)
    if (busiest === undefined || entry[1].pairs > busiest[1].pairs) busiest = entry;
  if (busiest === undefined) return "no matches";
  const [timeline, burst] = busiest;
  return (
    `${burst.end - burst.first} web-shell process(es) × ${burst.requests} request(s) on host ` +
    `${timeline.key.slice(timeline.key.indexOf(":") + 1)} between ${formatTimestamp(burst.from)} and ` +
    `${formatTimestamp(burst.to)}, ${burst.pairs} (request, process) matches`
  );
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
