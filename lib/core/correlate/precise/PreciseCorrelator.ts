import { MatchLimitError } from "../../errors.js";
import { hasAny } from "../../kusto.js";
import type { EngineOptions, TimeRange } from "../../model/EngineOptions.js";
import type { HostInterval } from "../../model/HostInterval.js";
import type { ProcessObservation } from "../../model/ProcessObservation.js";
import type { RequestLine } from "../../model/RequestLine.js";
import type { WebRequest } from "../../model/WebRequest.js";
import type { EnrichmentRecord } from "../../records/EnrichmentRecord.js";
import { makeStemFilter, type StemFilter } from "../../scriptStemFilter.js";
import type { CandidateBatch, Correlator } from "../Correlator.js";
import { composeBaselineKey, DistinctIpBaseline } from "../DistinctIpBaseline.js";
import type { HashKey } from "../halfSipHash.js";
import { isScriptLine } from "../isScriptLine.js";
import {
  buildPreciseRecords,
  DEFAULT_PRECISE_LIMITS,
  describeBurst,
  type PreciseLimits,
  type RequestMatch,
} from "./buildPreciseRecords.js";
import { HostTimeline } from "./HostTimeline.js";
import { PreciseLineReader } from "./PreciseLineReader.js";
import { attackerAddress, requestHostName } from "./requestIdentity.js";

/**
 * Precise mode (docs/design.md §4): a request matches a web-shell command when it ran on the command's host and its
 * interval [logTime − timeTaken, logTime], widened by the slack, contains the process start. Every such request
 * counts (no B1); the rarity baseline counts attacker addresses per page, case-insensitively, over the baseline
 * window in the configured scope.
 */
export class PreciseCorrelator implements Correlator {
  readonly baseline: DistinctIpBaseline;
  private readonly byName: Map<string, HostTimeline>;
  private readonly byAddress: Map<string, HostTimeline>;
  /** One per matching request, with the range of processes it matched: never one per (request, process). */
  private readonly matches: RequestMatch[] = [];
  /** The (request, process) pairs the matches stand for. */
  private pairs = 0;
  /** Matches not kept because their page was already too popular (see `observeLine`). */
  private dropped = 0;
  private readonly baselineFrom: number;
  private readonly baselineTo: number;
  private readonly lines: PreciseLineReader;
  private readonly isScriptStem: StemFilter;
  /** Every timeline by its key, to take matches that another thread's correlator made. */
  private readonly timelines = new Map<string, HostTimeline>();

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
    private readonly limits: PreciseLimits = DEFAULT_PRECISE_LIMITS,
    baselineKey?: HashKey,
  ) {
    this.baseline = new DistinctIpBaseline(options.distinctIpThreshold + 1, baselineKey);
    // Without a range the whole input is the window, and the baseline covers all of it.
    this.baselineTo = range?.to ?? Number.POSITIVE_INFINITY;
    this.baselineFrom = Number.isFinite(this.baselineTo)
      ? this.baselineTo - options.baselineWindowMs
      : Number.NEGATIVE_INFINITY;
    ({ byName: this.byName, byAddress: this.byAddress } = HostTimeline.index(observations));
    for (const timeline of [...this.byName.values(), ...this.byAddress.values()])
      this.timelines.set(timeline.key, timeline);
    this.lines = new PreciseLineReader(this.baseline, options.baselineScope);
    this.isScriptStem = makeStemFilter(options.scriptExtensions);
  }

  get commandCount(): number {
    return this.observations.length;
  }

  get candidateCount(): number {
    return this.pairs + this.dropped;
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

  /**
   * `observe(line.toRequest())`, deciding from the line's bytes: the baseline key is made and found in bytes (the
   * page's text is read once per key, to tell whether it is a script page), the attacker is read as a number while
   * the key has fewer than threshold + 1, and the request is built only for a match.
   */
  observeLine(line: RequestLine): void {
    const t = line.time;
    const { lines, baseline } = this;
    const name = lines.hostName(line);
    const key = lines.keyOf(line, name);
    if (!isScriptLine(line, key, baseline, this.isScriptStem)) return;
    if (t >= this.baselineFrom && t < this.baselineTo) lines.count(line, key);
    const host = name !== "" ? this.byName.get(name) : this.byAddress.get(line.text("sIP").trim());
    if (host === undefined) return;
    const to = t + this.options.windowSlackMs;
    const first = host.firstIn(this.earliest(t, line.number("TimeTaken")), to);
    if (first < 0) return;
    // Scope `page`: a record's requests all count under its page's key, and a count never goes down, so a match on
    // a page already over the threshold can only join a record that will be dropped. Not keeping it saves the
    // request and its memory: on busy logs most matches are requests to popular pages.
    if (this.options.baselineScope === "page" && baseline.full(key)) {
      this.dropped += host.endOf(first, to) - first;
      return;
    }
    const request = line.toRequest();
    const page = request.csUriStem.toLowerCase();
    this.push(host, first, to, {
      request,
      page,
      attacker: attackerAddress(request),
      baselineKey: this.options.baselineScope === "page" ? page : this.baselineKey(request),
    });
  }

  // Made one at a time in output order from the matches (see buildPreciseRecords): what a caller does not read is
  // never made, so `--max-records` bounds the records a run makes.
  records(enrichedAt: number): Iterable<EnrichmentRecord> {
    return buildPreciseRecords(this.matches, this.baseline, this.options, enrichedAt, this.limits);
  }

  /**
   * The records as an array, for the runs that hold them (scheduled and HTTP): at most `limits.heldRecords`, else a
   * `MatchLimitError` naming the burst, so that a window fails cleanly instead of filling the worker's memory.
   */
  finish(enrichedAt: number): EnrichmentRecord[] {
    const records: EnrichmentRecord[] = [];
    for (const record of this.records(enrichedAt)) {
      if (records.length === this.limits.heldRecords) {
        throw new MatchLimitError(
          `precise: the range gives more than ${this.limits.heldRecords} records, more than a run holds in ` +
            `memory: ${describeBurst(this.matches)}. Enrich a shorter range (ENRICH_MAX_WINDOW, the request's ` +
            `from/to), or run webshell-enrich on the range, which streams its records (--max-records caps them)`,
        );
      }
      records.push(record);
    }
    return records;
  }

  takeCandidates(): CandidateBatch {
    const matches = this.matches
      .splice(0)
      .map(({ timeline, ...match }) => ({ timeline: timeline.key, ...match }));
    const batch = { requests: [], matches, dropped: this.dropped };
    this.pairs = 0;
    this.dropped = 0;
    return batch;
  }

  addCandidates(batch: CandidateBatch): void {
    for (const { timeline, ...match } of batch.matches) {
      this.matches.push({ timeline: this.timelines.get(timeline)!, ...match });
      this.pairs += match.end - match.first;
    }
    this.dropped += batch.dropped;
  }

  baselineKeysInUse(): Set<string> {
    return new Set(this.matches.map((match) => match.baselineKey));
  }

  private match(request: WebRequest): void {
    const name = requestHostName(request);
    const host = name !== "" ? this.byName.get(name) : this.byAddress.get(request.sIP.trim());
    if (host === undefined) return;
    const to = request.TimeGenerated + this.options.windowSlackMs;
    const first = host.firstIn(this.earliest(request.TimeGenerated, request.TimeTaken), to);
    if (first < 0) return;
    const page = request.csUriStem.toLowerCase();
    const attacker = attackerAddress(request);
    this.push(host, first, to, { request, page, attacker, baselineKey: this.baselineKey(request) });
  }

  /** The earliest process start a request covers: it covers [logTime − timeTaken − slack, logTime + slack] (§4.5). */
  private earliest(time: number, timeTaken: number | undefined): number {
    return time - Math.min(timeTaken ?? 0, this.options.maxRequestDurationMs) - this.options.windowSlackMs;
  }

  /** Matches the request to every process from `first` on that starts by `to`: one range of the timeline. */
  private push(
    timeline: HostTimeline,
    first: number,
    to: number,
    match: Omit<RequestMatch, "timeline" | "first" | "end">,
  ): void {
    const end = timeline.endOf(first, to);
    this.matches.push({ ...match, timeline, first, end });
    this.pairs += end - first;
  }
}
