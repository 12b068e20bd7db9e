/**
 * Kusto `range(start, stop, step)`: every value from `start` up to and including `stop`, `step` apart. Empty when
 * `stop < start`, as in Kusto.
 *
 * @example range(0, 60_000, 30_000) // [0, 30000, 60000]
 */
export function range(start: number, stop: number, step: number): number[] {
  if (!(step > 0)) throw new RangeError(`range step must be positive, got ${step}`);
  const values: number[] = [];
  for (let value = start; value <= stop; value += step) values.push(value);
  return values;
}
