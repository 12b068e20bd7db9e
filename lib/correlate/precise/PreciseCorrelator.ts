import type { WebRequest } from "../../iis/WebRequest.js";
import type { HostInterval } from "../../kql/HostInterval.js";
import { hasAny } from "../../kusto/hasAny.js";
import type { EnrichmentRecord } from "../../records/EnrichmentRecord.js";
import { composeBaselineKey } from "../composeBaselineKey.js";
import type { Correlator } from "../Correlator.js";
import { DistinctIpBaseline } from "../DistinctIpBaseline.js";
import type { EngineOptions, TimeRange } from "../EngineOptions.js";
import { buildPreciseRecords, type Match } from "./buildPreciseRecords.js";
import type { ProcessObservation } from "./ProcessObservation.js";
import { attackerAddress, requestHostName } from "./requestIdentity.js";

/** Observations of one host, sorted by anchor so a request finds its candidates by binary search. */
interface HostObservations {
  anchors: number[];
  observations: ProcessObservation[];
}

/**
 * Precise mode (DESIGN §4): a request matches a web-shell command when it ran on the command's host and its
 * interval [logTime − timeTaken, logTime], widened by the slack, contains the process start. Every such request
 * counts (no B1); the rarity baseline counts attacker addresses per page, case-insensitively, over the baseline
 * window in the configured scope.
 */
export class PreciseCorrelator implements Correlator {
  readonly baseline: DistinctIpBaseline;
  private readonly byName = new Map<string, HostObservations>();
  private readonly byAddress = new Map<string, HostObservations>();
  private readonly matches: Match[] = [];
  private readonly baselineFrom: number;
  private readonly baselineTo: number;

  constructor(
    private readonly observations: readonly ProcessObservation[],
    private readonly options: Pick<
      EngineOptions,
      | "scriptExtensions"
      | "windowSlackMs"
      | "maxRequestDurationMs"
      | "baselineWindowMs"
      | "baselineScope"
      | "distinctIpThreshold"
      | "evidenceCap"
    >,
    range: TimeRange | undefined,
  ) {
    this.baseline = new DistinctIpBaseline(options.distinctIpThreshold + 1);
    // Without a range the whole input is the window, and the baseline covers all of it.
    this.baselineTo = range?.to ?? Number.POSITIVE_INFINITY;
    this.baselineFrom = Number.isFinite(this.baselineTo)
      ? this.baselineTo - options.baselineWindowMs
      : Number.NEGATIVE_INFINITY;
    for (const observation of observations) {
      if (observation.host.shortName !== "") index(this.byName, observation.host.shortName, observation);
      for (const address of observation.host.addresses) index(this.byAddress, address, observation);
    }
    for (const list of [...this.byName.values(), ...this.byAddress.values()]) sortByAnchor(list);
  }

  get commandCount(): number {
    return this.observations.length;
  }

  get candidateCount(): number {
    return this.matches.length;
  }

  baselineKey(request: WebRequest): string {
    // IIS paths and site names are case-insensitive (fixes B9).
    return composeBaselineKey(
      this.options.baselineScope,
      request.csUriStem.toLowerCase(),
      requestHostName(request) || request.sIP.trim(),
      request.sSiteName.toLowerCase(),
    );
  }

  hostIntervals(): HostInterval[] {
    const slack = this.options.windowSlackMs;
    return this.observations.flatMap((o) =>
      [o.host.shortName, ...o.host.addresses]
        .filter((key) => key !== "")
        .map((hostKey) => ({ hostKey, from: o.anchor - slack, to: o.anchor + slack })),
    );
  }

  observe(request: WebRequest): void {
    if (!hasAny(request.csUriStem, this.options.scriptExtensions)) return;
    const t = request.TimeGenerated;
    if (t >= this.baselineFrom && t < this.baselineTo) {
      const address = attackerAddress(request);
      if (address !== "") this.baseline.add(this.baselineKey(request), address);
    }
    this.match(request);
  }

  offerCandidate(request: WebRequest): void {
    if (hasAny(request.csUriStem, this.options.scriptExtensions)) this.match(request);
  }

  finish(enrichedAt: number): EnrichmentRecord[] {
    return buildPreciseRecords(this.matches, this, this.options, enrichedAt);
  }

  private match(request: WebRequest): void {
    const name = requestHostName(request);
    const host = name !== "" ? this.byName.get(name) : this.byAddress.get(request.sIP.trim());
    if (host === undefined) return;
    const end = request.TimeGenerated + this.options.windowSlackMs;
    const duration = Math.min(request.TimeTaken ?? 0, this.options.maxRequestDurationMs);
    const start = request.TimeGenerated - duration - this.options.windowSlackMs;
    for (let i = lowerBound(host.anchors, start); i < host.anchors.length && host.anchors[i]! <= end; i++) {
      this.matches.push({ observation: host.observations[i]!, request });
    }
  }
}

function index(map: Map<string, HostObservations>, key: string, observation: ProcessObservation) {
  const list = map.get(key) ?? { anchors: [], observations: [] };
  list.observations.push(observation);
  map.set(key, list);
}

function sortByAnchor(list: HostObservations) {
  list.observations.sort((a, b) => a.anchor - b.anchor);
  list.anchors = list.observations.map((observation) => observation.anchor);
}

/** First index whose value is ≥ `value`. */
function lowerBound(values: readonly number[], value: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (values[mid]! < value) low = mid + 1;
    else high = mid;
  }
  return low;
}
