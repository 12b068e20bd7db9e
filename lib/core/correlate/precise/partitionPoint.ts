/**
 * The first index from `from` on whose value fails `before`, in an array sorted so that every value that passes
 * comes before every value that fails (a binary search: the anchors of a host timeline, the ends of covered ranges).
 */
export function partitionPoint(
  values: readonly number[],
  before: (value: number) => boolean,
  from = 0,
): number {
  let low = from;
  let high = values.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (before(values[mid]!)) low = mid + 1;
    else high = mid;
  }
  return low;
}
