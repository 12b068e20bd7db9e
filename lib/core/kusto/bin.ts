/**
 * Kusto `bin(value, size)` for datetimes in epoch milliseconds: rounds down to a multiple of `size` counted from
 * the Unix epoch (so 30 s bins start at :00 and :30 of every minute), also for times before 1970.
 *
 * @example bin(Date.UTC(2024, 0, 1, 10, 0, 45), 30_000) // 10:00:30
 */
export function bin(value: number, size: number): number {
  if (!(size > 0)) throw new RangeError(`bin size must be a positive number of milliseconds, got ${size}`);
  return Math.floor(value / size) * size;
}
