import type { TimeRange } from "./EngineOptions.js";

/** Whether a time falls in the run's range; no range means the whole input (a hunting query's time range). */
export function inRange(time: number, range: TimeRange | undefined): boolean {
  return range === undefined || (time >= range.from && time < range.to);
}
