import type { BaselineScope } from "../model/EngineOptions.js";

/**
 * Distinct client IPs per key (a page, or a page on a host or site): the rarity baseline. Each key keeps at most
 * `cap` addresses, since a page seen from more IPs than the threshold is no shell and needs no more bookkeeping:
 * memory grows with distinct pages, not with lines.
 *
 * Counts can also be set directly, when the workspace computed them (`summarize dcount(cIP) by …`).
 */
export class DistinctIpBaseline {
  private readonly addresses = new Map<string, IpTally>();
  private readonly counted = new Map<string, number>();

  /** @param cap addresses kept per key; use threshold + 1, so "over the threshold" stays exact. */
  constructor(readonly cap: number) {}

  add(key: string, address: string): void {
    this.tally(key).add(address);
  }

  /**
   * The key's tally, created empty if new: a reader that sees the same key on many lines keeps it and skips the
   * address (and the string it would have to build for it) once the tally is `full`.
   */
  tally(key: string): IpTally {
    let tally = this.addresses.get(key);
    if (tally === undefined) {
      tally = new IpTally(this.cap);
      this.addresses.set(key, tally);
    }
    return tally;
  }

  /** Records a count computed elsewhere (the larger of the two wins if the key was also counted here). */
  setCount(key: string, count: number): void {
    this.counted.set(key, Math.max(count, this.counted.get(key) ?? 0));
  }

  /** Distinct addresses seen for the key, saturating at `cap`. */
  count(key: string): number {
    return Math.max(this.addresses.get(key)?.size ?? 0, this.counted.get(key) ?? 0);
  }

  get size(): number {
    return new Set([...this.addresses.keys(), ...this.counted.keys()]).size;
  }

  /** The addresses kept per key, as plain data (to hand to another thread). */
  entries(): [string, string[]][] {
    return [...this.addresses].map(([key, tally]) => [key, [...tally.addresses]]);
  }

  /**
   * Adds another baseline's `entries()` of the same run: the union, still capped. Counts stay exact: below the cap
   * a union of sets is the distinct count, and a side already at the cap puts the union there too.
   */
  merge(entries: readonly (readonly [string, readonly string[]])[]): void {
    for (const [key, addresses] of entries) {
      const tally = this.tally(key);
      for (const address of addresses) tally.add(address);
    }
  }
}

/** The distinct addresses of one key, up to `cap` of them: a few strings in an array, cheaper than a Set. */
export class IpTally {
  private readonly seen: string[] = [];

  constructor(private readonly cap: number) {}

  /** Whether `cap` addresses are known: more cannot change any answer. */
  get full(): boolean {
    return this.seen.length >= this.cap;
  }

  get size(): number {
    return this.seen.length;
  }

  get addresses(): readonly string[] {
    return this.seen;
  }

  add(address: string): void {
    if (this.seen.length < this.cap && !this.seen.includes(address)) this.seen.push(address);
  }
}

/**
 * The key a page's distinct clients are counted under, from its parts. Requests (offline) and the workspace's
 * baseline rows (pushdown) both go through here, so the two always meet on the same key.
 *
 * @param page lower-case `csUriStem` (precise) or the exact one (compat, scope `page` only)
 * @param hostKey the request's short host name, or its server address when it has none
 * @param site lower-case `sSiteName`
 */
export function composeBaselineKey(
  scope: BaselineScope,
  page: string,
  hostKey: string,
  site: string,
): string {
  switch (scope) {
    case "page":
      return page;
    case "host":
      return `${hostKey}\u0000${page}`;
    case "site":
      return `${hostKey}\u0000${site}\u0000${page}`;
  }
}
