import { bin, hasAny, range } from "../../kusto.js";
import { type EngineOptions, inRange, type TimeRange } from "../../model/EngineOptions.js";
import type { HostInterval } from "../../model/HostInterval.js";
import type { RequestLine } from "../../model/RequestLine.js";
import type { WebRequest } from "../../model/WebRequest.js";
import type { EnrichmentRecord } from "../../records/EnrichmentRecord.js";
import { makeStemFilter, type StemFilter } from "../../scriptStemFilter.js";
import { isWellFormedUtf8 } from "../../utf8.js";
import type { CandidateBatch, Correlator } from "../Correlator.js";
import { DistinctIpBaseline } from "../DistinctIpBaseline.js";
import type { HashKey } from "../halfSipHash.js";
import { isScriptLine } from "../isScriptLine.js";
import { buildCompatRecords } from "./buildCompatRecords.js";
import {
  commandLinesOf,
  COMPAT_LOOKUP_BIN_MS,
  COMPAT_LOOKUP_WINDOW_MS,
  type CompatJoin,
} from "./CompatCommand.js";

/**
 * The original hunting query, row for row, defects B1–B9 included (docs/design.md §2–3): requests are spread over three
 * 30 s bins and joined to the alert's bin on the exact host name; a (site, host, IP, user agent, page) group
 * survives only if all its requests in that bin share one timestamp; the baseline counts distinct `cIP` per exact
 * `csUriStem` over the whole range.
 */
export class CompatCorrelator implements Correlator {
  readonly baseline: DistinctIpBaseline;
  /**
   * The alert bins commands wait in, per host, counted in bins since the epoch rather than in milliseconds: a
   * bin number is a small integer, which V8 keeps unboxed, where a millisecond time would be boxed at every lookup.
   */
  private readonly binsByHost = new Map<string, Set<number>>();
  private readonly candidates: WebRequest[] = [];
  /** Candidates not kept because their page was already too popular (see `observeLine`). */
  private dropped = 0;
  private joinRows: number | undefined;
  private readonly isScriptStem: StemFilter;

  constructor(
    private readonly join: CompatJoin,
    private readonly options: Pick<EngineOptions, "scriptExtensions" | "distinctIpThreshold">,
    private readonly range: TimeRange | undefined,
    baselineKey?: HashKey,
  ) {
    this.baseline = new DistinctIpBaseline(options.distinctIpThreshold + 1, baselineKey);
    this.isScriptStem = makeStemFilter(options.scriptExtensions);
    for (const file of join.files) {
      const bins = this.binsByHost.get(file.hostName) ?? new Set<number>();
      bins.add(file.timeKey / COMPAT_LOOKUP_BIN_MS);
      this.binsByHost.set(file.hostName, bins);
    }
  }

  /** The rows of the query's `commandKeyedData` (bin, host, file name, command line), each once. */
  get commandCount(): number {
    this.joinRows ??= this.join.files.reduce(
      (sum, file) => sum + commandLinesOf(this.join, file.ids).length,
      0,
    );
    return this.joinRows;
  }

  get candidateCount(): number {
    return this.candidates.length + this.dropped;
  }

  baselineKey(request: WebRequest): string {
    return request.csUriStem; // B9: exact, case-sensitive page, no host or site.
  }

  hostIntervals(): HostInterval[] {
    // bin(t) ∈ {K, K+30s, K+60s}  ⇔  K ≤ t < K + 90 s
    const reach = COMPAT_LOOKUP_WINDOW_MS + COMPAT_LOOKUP_BIN_MS - 1;
    return this.join.files.map((f) => ({ hostKey: f.hostName, from: f.timeKey, to: f.timeKey + reach }));
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
    if (this.awaited(request.sComputerName, request.TimeGenerated)) this.candidates.push(request);
  }

  /**
   * `observe(line.toRequest())`, deciding from the line's bytes: the page is its baseline key, found by its bytes
   * (its text is read once per page, to tell whether it is a script page), the client address is read as a number
   * while the page has fewer than threshold + 1, and the request is built only for a candidate.
   */
  observeLine(line: RequestLine): void {
    const t = line.time;
    if (!inRange(t, this.range)) return;
    const { baseline } = this;
    // The key is the page's text as UTF-8: its bytes as logged when they are well-formed (then decoding them and
    // encoding the text gives them back), else the decoded text's (a bad sequence became U+FFFD).
    const start = line.stemStart();
    const end = line.stemEnd();
    const page =
      line.ascii || isWellFormedUtf8(line.buf, start, end)
        ? baseline.keyOfBytes(line.buf, start, end)
        : baseline.keyOf(line.text("csUriStem"));
    if (!isScriptLine(line, page, baseline, this.isScriptStem)) return;
    if (!baseline.full(page)) baseline.addCode(page, this.clientOf(line));
    if (!this.awaited(line.text("sComputerName"), t)) return;
    // Every group and record of this request is on its page, and the page is past the threshold for good: the
    // query's baseline join would drop them. Not keeping the request saves building it.
    if (baseline.full(page)) this.dropped += 1;
    else this.candidates.push(line.toRequest());
  }

  /** The code of the line's `cIP` (the empty text when not logged, as `text` reads `-`), from its bytes. */
  private clientOf(line: RequestLine): number {
    const { codes } = this.baseline;
    const start = line.columnStart("cIP");
    const end = line.columnEnd("cIP");
    if (start < 0 || (end - start === 1 && line.buf[start] === 0x2d)) return codes.ofText("");
    const code = codes.ofAsciiBytes(line.buf, start, end);
    return code >= 0 ? code : codes.ofText(line.text("cIP"));
  }

  records(enrichedAt: number): Iterable<EnrichmentRecord> {
    return buildCompatRecords(
      this.join,
      this.candidates,
      (request) => this.timeKeysFor(request),
      (stem) => this.baseline.count(stem),
      this.options.distinctIpThreshold,
      enrichedAt,
    );
  }

  finish(enrichedAt: number): EnrichmentRecord[] {
    return [...this.records(enrichedAt)];
  }

  takeCandidates(): CandidateBatch {
    const batch = { requests: this.candidates.splice(0), matches: [], dropped: this.dropped };
    this.dropped = 0;
    return batch;
  }

  addCandidates(batch: CandidateBatch): void {
    for (const request of batch.requests) this.candidates.push(request);
    this.dropped += batch.dropped;
  }

  baselineKeysInUse(): Set<string> {
    return new Set(this.candidates.map((request) => this.baselineKey(request)));
  }

  /** Whether a command waits on the host in one of {@link timeKeysFor}'s bins: the same test, without an array. */
  private awaited(hostName: string, time: number): boolean {
    const wanted = this.binsByHost.get(hostName);
    if (wanted === undefined) return false;
    const last = Math.floor(time / COMPAT_LOOKUP_BIN_MS); // bin(t - 1m) is 2 bins before: 1 min is 2 whole bins
    return wanted.has(last) || wanted.has(last - 1) || wanted.has(last - 2);
  }

  /** `range(bin(TimeGenerated - 1m, 30s), bin(TimeGenerated, 30s), 30s)`, kept where a command waits (B5, B7). */
  private timeKeysFor(request: WebRequest): number[] {
    const wanted = this.binsByHost.get(request.sComputerName);
    if (wanted === undefined) return [];
    const t = request.TimeGenerated;
    const keys = range(
      bin(t - COMPAT_LOOKUP_WINDOW_MS, COMPAT_LOOKUP_BIN_MS),
      bin(t, COMPAT_LOOKUP_BIN_MS),
      COMPAT_LOOKUP_BIN_MS,
    );
    return keys.filter((key) => wanted.has(key / COMPAT_LOOKUP_BIN_MS));
  }
}
