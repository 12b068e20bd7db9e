/**
 * A host and a time window during which its requests matter, as the pushdown queries send them. `hostKey` is what
 * the query's `HostKey` column is compared with: a short host name, or a server address for rows without one
 * (precise), or the exact `sComputerName` (compat).
 */
export interface HostInterval {
  hostKey: string;
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, inclusive. */
  to: number;
}

/**
 * Sorts intervals and merges those of one host that overlap or touch, so each request row meets few intervals
 * and the query text stays short.
 */
export function mergeHostIntervals(intervals: readonly HostInterval[]): HostInterval[] {
  const sorted = [...intervals].sort((a, b) =>
    a.hostKey < b.hostKey ? -1 : a.hostKey > b.hostKey ? 1 : a.from - b.from,
  );
  const merged: HostInterval[] = [];
  for (const interval of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && last.hostKey === interval.hostKey && interval.from <= last.to) {
      last.to = Math.max(last.to, interval.to);
    } else {
      merged.push({ ...interval });
    }
  }
  return merged;
}
