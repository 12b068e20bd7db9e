import type { WebRequest } from "../model/WebRequest.js";

/** A precise match as plain data: its process observation by position in the run's list of observations. */
export interface MatchData {
  observation: number;
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
