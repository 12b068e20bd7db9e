import type { HostInterval } from "../model/HostInterval.js";
import type { RequestLine } from "../model/RequestLine.js";
import type { WebRequest } from "../model/WebRequest.js";
import type { EnrichmentRecord } from "../records/EnrichmentRecord.js";
import type { DistinctIpBaseline } from "./DistinctIpBaseline.js";

/**
 * One correlation run, fed with web requests as they stream in. Both modes implement it, so the CLI, the timer and
 * the HTTP function drive either the same way.
 */
export interface Correlator {
  /**
   * Offline: the request counts towards the rarity baseline (when in its window) and is kept if it can match a
   * command. Requests that are no script page are ignored here, whoever filtered before.
   */
  observe(request: WebRequest): void;
  /**
   * Offline, native W3C logs: the same as `observe(line.toRequest())`, but reading only the fields it needs from the
   * line's bytes and building the request only when it keeps it (most lines are no candidate).
   */
  observeLine(line: RequestLine): void;
  /**
   * Pushdown: a row the workspace returned as a candidate. Only the matching rule applies (the workspace filter is a
   * superset); the baseline comes from `baseline.setCount` instead.
   */
  offerCandidate(request: WebRequest): void;
  /** The rarity baseline, keyed by `baselineKey`. */
  readonly baseline: DistinctIpBaseline;
  /** The baseline key a request counts under (page, host + page or host + site + page, by mode and scope). */
  baselineKey(request: WebRequest): string;
  /**
   * The hosts and times whose requests can match a command (not merged), for the workspace query: precise gives
   * [anchor − slack, anchor + slack] per host name and address, compat the three 30 s bins after each alert bin.
   */
  hostIntervals(): HostInterval[];
  /** Commands that requests can be matched to (after selection and entity parsing). */
  readonly commandCount: number;
  /** Requests kept as candidates so far. */
  readonly candidateCount: number;
  /**
   * Hands over the candidates kept since the last call and forgets them, so that several correlators of one run
   * (one per thread) can each read some files and one of them can take all files' candidates in file order.
   */
  takeCandidates(): CandidateBatch;
  /** Takes candidates that another correlator of the same run (same alerts and options) kept, after its own. */
  addCandidates(batch: CandidateBatch): void;
  /**
   * The baseline keys whose counts the records will read: those of the candidates kept. A run read on several
   * threads needs the other threads' counts for these only, not their whole baselines.
   */
  baselineKeysInUse(): Set<string>;
  /**
   * Correlates what was fed and gives the records in output order (`compareRecords`), made one at a time so that
   * an output can be written as they come; `enrichedAt` stamps them. Read it once, after the input.
   */
  records(enrichedAt: number): Iterable<EnrichmentRecord>;
  /** {@link records} as an array, for callers that hold the records anyway (the scheduled and HTTP runs). */
  finish(enrichedAt: number): EnrichmentRecord[];
}

/**
 * A precise match as plain data: the processes it matched as positions [first, end) of a host timeline, named by
 * its key (every correlator of a run builds the same timelines from the same observations).
 */
export interface MatchData {
  timeline: string;
  first: number;
  end: number;
  request: WebRequest;
  page: string;
  attacker: string;
  baselineKey: string;
}

/**
 * The candidates a correlator kept from some input, in input order (`requests` in compat mode, `matches` in precise
 * mode), and how many more it counted but did not need to keep. Plain data that crosses threads: a worker hands
 * back one batch per file it read, and the run's correlator takes them in file order.
 */
export interface CandidateBatch {
  requests: WebRequest[];
  matches: MatchData[];
  dropped: number;
}
