import type { TimeRange } from "../core/model/EngineOptions.js";

/** Splits [from, to) into consecutive windows of at most `size` ms; none when the range is empty. */
export function splitWindow(range: TimeRange, size: number): TimeRange[] {
  if (!(size > 0)) throw new RangeError(`window size must be positive, got ${size}`);
  const windows: TimeRange[] = [];
  for (let from = range.from; from < range.to; from += size)
    windows.push({ from, to: Math.min(from + size, range.to) });
  return windows;
}
