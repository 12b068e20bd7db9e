import { compareOrdinal } from "./makeSet.js";

/**
 * Kusto `make_bag(pack(key, value))` over a group: one property per key. When a key comes with several values
 * Kusto keeps "an arbitrary one"; we keep the ordinally smallest so the result does not depend on row order.
 *
 * @example makeBag([["10.0.0.5", "curl/8.0"], ["10.0.0.5", "Mozilla/5.0"]]) // { "10.0.0.5": "Mozilla/5.0" }
 */
export function makeBag(pairs: Iterable<readonly [string, string]>): Record<string, string> {
  const bag = new Map<string, string>();
  for (const [key, value] of pairs) {
    const kept = bag.get(key);
    if (kept === undefined || compareOrdinal(value, kept) < 0) bag.set(key, value);
  }
  // Object.fromEntries keeps insertion order; sort keys for reproducible output.
  return Object.fromEntries([...bag].sort(([a], [b]) => compareOrdinal(a, b)));
}
