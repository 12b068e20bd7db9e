/**
 * Kusto `make_set`: the distinct values of a group. Kusto leaves the order unspecified; we return them sorted so
 * that output is reproducible and comparable across runs.
 */
export function makeSet(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compareOrdinal);
}

/** Ordinal (code unit) order, independent of locale. */
export function compareOrdinal(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}
