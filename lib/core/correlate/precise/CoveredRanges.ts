import { partitionPoint } from "./partitionPoint.js";

/**
 * The positions of one host timeline that a (page, attacker) group has already given a record, as disjoint ranges.
 * Requests cover ranges of processes and mostly overlap, so a group needs a few ranges however many processes and
 * requests it has: this is what keeps the records of a burst from being held as one entry per (request, process).
 */
export class CoveredRanges {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  /** Adds [from, to) and returns the parts of it that were not covered yet, in order. */
  cover(from: number, to: number): [number, number][] {
    const { starts, ends } = this;
    // The first range that ends at or after `from`: it touches or overlaps [from, to) or comes after it.
    const low = partitionPoint(ends, (end) => end < from);
    const fresh: [number, number][] = [];
    let cursor = from;
    let next = low;
    for (; next < starts.length && starts[next]! <= to; next++) {
      if (starts[next]! > cursor) fresh.push([cursor, starts[next]!]);
      cursor = Math.max(cursor, ends[next]!);
    }
    if (cursor < to) fresh.push([cursor, to]);
    // The ranges low..next-1 and [from, to) become one.
    const start = next > low ? Math.min(from, starts[low]!) : from;
    const end = next > low ? Math.max(to, ends[next - 1]!) : to;
    starts.splice(low, next - low, start);
    ends.splice(low, next - low, end);
    return fresh;
  }

  has(position: number): boolean {
    const { starts, ends } = this;
    const low = partitionPoint(ends, (end) => end <= position);
    return low < starts.length && starts[low]! <= position;
  }
}
