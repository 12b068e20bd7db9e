import type { WebRequest } from "../../iis/WebRequest.js";
import type { HostInterval } from "../../kql/HostInterval.js";
import { bin } from "../../kusto/bin.js";
import { hasAny } from "../../kusto/hasAny.js";
import { makeBag } from "../../kusto/makeBag.js";
import { makeSet } from "../../kusto/makeSet.js";
import { range } from "../../kusto/range.js";
import { splitAt } from "../../kusto/splitAt.js";
import { compareRecords } from "../../records/compareRecords.js";
import { computeRecordId } from "../../records/computeRecordId.js";
import type { EnrichmentRecord } from "../../records/EnrichmentRecord.js";
import type { Correlator } from "../Correlator.js";
import { DistinctIpBaseline } from "../DistinctIpBaseline.js";
import type { EngineOptions, TimeRange } from "../EngineOptions.js";
import { inRange } from "../inRange.js";
import { COMPAT_LOOKUP_BIN_MS, COMPAT_LOOKUP_WINDOW_MS, type CompatCommand } from "./CompatCommand.js";

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

/**
 * The original hunting query, row for row, defects B1–B9 included (DESIGN §2–3): requests are spread over three
 * 30 s bins and joined to the alert's bin on the exact host name; a (site, host, IP, user agent, page) group
 * survives only if all its requests in that bin share one timestamp; the baseline counts distinct `cIP` per exact
 * `csUriStem` over the whole range.
 */
export class CompatCorrelator implements Correlator {
  readonly baseline: DistinctIpBaseline;
  private readonly timeKeysByHost = new Map<string, Set<number>>();
  private readonly candidates: WebRequest[] = [];

  constructor(
    private readonly commands: readonly CompatCommand[],
    private readonly options: Pick<EngineOptions, "scriptExtensions" | "distinctIpThreshold">,
    private readonly range: TimeRange | undefined,
  ) {
    this.baseline = new DistinctIpBaseline(options.distinctIpThreshold + 1);
    for (const command of commands) {
      const keys = this.timeKeysByHost.get(command.hostName) ?? new Set<number>();
      keys.add(command.timeKey);
      this.timeKeysByHost.set(command.hostName, keys);
    }
  }

  get commandCount(): number {
    return this.commands.length;
  }

  get candidateCount(): number {
    return this.candidates.length;
  }

  baselineKey(request: WebRequest): string {
    return request.csUriStem; // B9: exact, case-sensitive page, no host or site.
  }

  hostIntervals(): HostInterval[] {
    // bin(t) ∈ {K, K+30s, K+60s}  ⇔  K ≤ t < K + 90 s
    const reach = COMPAT_LOOKUP_WINDOW_MS + COMPAT_LOOKUP_BIN_MS - 1;
    return this.commands.map((c) => ({ hostKey: c.hostName, from: c.timeKey, to: c.timeKey + reach }));
  }

  observe(request: WebRequest): void {
    if (
      !inRange(request.TimeGenerated, this.range) ||
      !hasAny(request.csUriStem, this.options.scriptExtensions)
    )
      return;
    // Only script pages can ever join the baseline (ShellLocation is a script page), so only they are counted.
    this.baseline.add(request.csUriStem, request.cIP);
    this.offerCandidate(request);
  }

  offerCandidate(request: WebRequest): void {
    if (
      !inRange(request.TimeGenerated, this.range) ||
      !hasAny(request.csUriStem, this.options.scriptExtensions)
    )
      return;
    if (this.timeKeysFor(request).length > 0) this.candidates.push(request);
  }

  finish(enrichedAt: number): EnrichmentRecord[] {
    const groups = this.groupRequests();
    const output = new Map<string, OutputGroup>();
    for (const command of this.commands) {
      for (const group of groups.get(joinKey(command.timeKey, command.hostName)) ?? []) {
        // B1: `(StartTime - EndTime) between (0min .. lookupWindow)` holds only when StartTime == EndTime.
        const span = group.start - group.end;
        if (span < 0 || span > COMPAT_LOOKUP_WINDOW_MS) continue;
        const r = group.request;
        const keyParts = [
          r.csUriStem,
          command.imageName,
          command.commandLine,
          command.hostName,
          r.cIP,
          group.start,
        ];
        const key = JSON.stringify(keyParts);
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
      const distinctIps = this.baseline.count(group.stem);
      if (distinctIps > this.options.distinctIpThreshold) continue; // the baseline's `where dcount_SourceIP <= 3`
      records.push(toCompatRecord(group, distinctIps, enrichedAt));
    }
    return records.sort(compareRecords);
  }

  /** The query's IIS sub-select: one group per (site, host, IP, UA, page, filename, firstDir, TimeKey). */
  private groupRequests() {
    const groups = new Map<string, { request: WebRequest; start: number; end: number; timeKey: number }>();
    for (const request of this.candidates) {
      for (const timeKey of this.timeKeysFor(request)) {
        const r = request;
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
          groups.set(key, { request, start: r.TimeGenerated, end: r.TimeGenerated, timeKey });
        else {
          group.start = Math.min(group.start, r.TimeGenerated);
          group.end = Math.max(group.end, r.TimeGenerated);
        }
      }
    }
    const byJoinKey = new Map<string, { request: WebRequest; start: number; end: number }[]>();
    for (const group of groups.values()) {
      const key = joinKey(group.timeKey, group.request.sComputerName);
      byJoinKey.set(key, [...(byJoinKey.get(key) ?? []), group]);
    }
    return byJoinKey;
  }

  /** `range(bin(TimeGenerated - 1m, 30s), bin(TimeGenerated, 30s), 30s)`, kept where a command waits (B5, B7). */
  private timeKeysFor(request: WebRequest): number[] {
    const wanted = this.timeKeysByHost.get(request.sComputerName);
    if (wanted === undefined) return [];
    const t = request.TimeGenerated;
    const keys = range(
      bin(t - COMPAT_LOOKUP_WINDOW_MS, COMPAT_LOOKUP_BIN_MS),
      bin(t, COMPAT_LOOKUP_BIN_MS),
      COMPAT_LOOKUP_BIN_MS,
    );
    return keys.filter((key) => wanted.has(key));
  }
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
