import type { GenerateOptions } from "./GenerateOptions.js";
import type { SlotPlan } from "./SlotPlan.js";
import type { IisHost, Topology } from "./Topology.js";

/**
 * How one host's browsers pick a page, by a uniform draw `u`: a popular script page below `popularEnd`, a long-tail
 * script page below `tailEnd`, an image below `imageEnd`, then other files.
 */
export interface TrafficMix {
  popularEnd: number;
  tailEnd: number;
  imageEnd: number;
}

/** The traffic of a data set: each host's mix, and how many long-tail script pages the draws pick from. */
export interface TrafficPlan {
  mixOf: ReadonlyMap<IisHost, TrafficMix>;
  tailPages: number;
}

/** The project's own profile: about 40 % script requests, 7 % of them long-tail draws. */
const DEFAULT_MIX: TrafficMix = { popularEnd: 0.33, tailEnd: 0.4, imageEnd: 0.43 };
/** Scans are 3 % of requests, script pages in 60 % of them where rare pages may appear: about 1.8 %. */
const SCAN_SCRIPT_SHARE = 0.018;
const NOT_SCAN = 0.97;
/** Most of a host's script draws the long tail may take: the popular pages keep some traffic. */
const MAX_TAIL = 0.9;
const MINUTE = 60_000;

/**
 * Plans the request mix once the incidents are placed. The project's own profile is fixed (the bundled sample
 * depends on it). With `scriptStemsPerMillion` (D per million lines), long-tail draws are made where rare pages
 * may appear (away from incidents, see `SlotPlan.allowsRare`; elsewhere a draw takes a popular page), so each
 * host's tail share is raised by the time it allows them, and the pool of pages is sized so that the draws made,
 * R, reach about D distinct pages: a pool of N pages drawn R times uniformly shows N (1 − e^(−R/N)) of them.
 * `scriptShare` sets the share of script requests; popular pages take what the tail leaves.
 */
export function planTrafficMix(
  options: GenerateOptions,
  topology: Topology,
  slots: SlotPlan,
  minuteWeights: readonly number[],
): TrafficPlan {
  const stems = options.scriptStemsPerMillion;
  const hosts = topology.iisHosts;
  if (stems === undefined && options.scriptShare === undefined)
    return { mixOf: new Map(hosts.map((host) => [host, DEFAULT_MIX])), tailPages: topology.longTailSize };
  const scripts = ((options.scriptShare ?? 0.4) - SCAN_SCRIPT_SHARE) / NOT_SCAN;
  const mix = (tail: number): TrafficMix => ({
    popularEnd: scripts - tail,
    tailEnd: scripts,
    imageEnd: scripts + 0.03,
  });
  if (stems === undefined) {
    const tail = DEFAULT_MIX.tailEnd - DEFAULT_MIX.popularEnd;
    return { mixOf: new Map(hosts.map((host) => [host, mix(tail)])), tailPages: topology.longTailSize };
  }
  const wanted = (stems * options.lines) / 1e6;
  const mixOf = new Map<IisHost, TrafficMix>();
  let draws = 0;
  for (const host of hosts) {
    const allowed = allowedShare(host, slots, minuteWeights);
    const tail = Math.min(
      MAX_TAIL * scripts,
      (3 * wanted) / options.lines / NOT_SCAN / Math.max(allowed, 0.01),
    );
    mixOf.set(host, mix(tail));
    draws += options.lines * host.share * NOT_SCAN * tail * allowed;
  }
  return { mixOf, tailPages: poolFor(wanted, draws) };
}

/** The share of a host's traffic (by the hours' weights) in minutes where rare pages may appear. */
function allowedShare(host: IisHost, slots: SlotPlan, minuteWeights: readonly number[]): number {
  let all = 0;
  let allowed = 0;
  minuteWeights.forEach((weight, m) => {
    all += weight;
    if (slots.allowsRare(host.machine.hostName, slots.start + m * MINUTE)) allowed += weight;
  });
  return all === 0 ? 0 : allowed / all;
}

/** The pool N whose `draws` uniform draws show about `wanted` distinct pages (as many as can be, if fewer). */
function poolFor(wanted: number, draws: number): number {
  const seen = (pool: number) => pool * (1 - Math.exp(-draws / pool));
  if (seen(100 * wanted) <= wanted) return Math.max(200, Math.round(20 * draws));
  let low = wanted;
  let high = 100 * wanted;
  for (let i = 0; i < 60; i++) {
    const mid = (low + high) / 2;
    if (seen(mid) < wanted) low = mid;
    else high = mid;
  }
  return Math.max(200, Math.round(high));
}
