/**
 * Distinct client IPs per key (a page, or a page on a host or site): the rarity baseline. Each key keeps at most
 * `cap` addresses, since a page seen from more IPs than the threshold is no shell and needs no more bookkeeping:
 * memory grows with distinct pages, not with lines.
 *
 * Counts can also be set directly, when the workspace computed them (`summarize dcount(cIP) by …`).
 */
export class DistinctIpBaseline {
  private readonly addresses = new Map<string, Set<string>>();
  private readonly counted = new Map<string, number>();

  /** @param cap addresses kept per key; use threshold + 1, so "over the threshold" stays exact. */
  constructor(readonly cap: number) {}

  add(key: string, address: string): void {
    let set = this.addresses.get(key);
    if (set === undefined) {
      set = new Set();
      this.addresses.set(key, set);
    }
    if (set.size < this.cap) set.add(address);
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
}
