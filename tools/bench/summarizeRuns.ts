import type { ChildRun } from "./runChild.js";

/** One contender's runs, summarised. */
export interface Summary {
  name: string;
  runs: number;
  medianWallMs: number;
  mbPerSecond: number;
  linesPerSecond: number;
  /** Highest peak RSS over the runs, MiB. */
  peakRssMiB: number;
  /** Median wall time over DuckDB's, and over the floor's (same benchmark run). */
  vsDuckDb: number;
  vsFloor: number;
}

/** Medians and rates of each contender; `duckdb` and `floor` name the reference rows. */
export function summarizeRuns(
  contenders: ReadonlyMap<string, readonly ChildRun[]>,
  data: { lines: number; bytes: number },
): Summary[] {
  const medians = new Map(
    [...contenders].map(([name, runs]) => [name, median(runs.map((run) => run.wallMs))]),
  );
  const reference = (name: string) => medians.get(name) ?? Number.NaN;
  return [...contenders].map(([name, runs]) => {
    const wall = medians.get(name)!;
    return {
      name,
      runs: runs.length,
      medianWallMs: wall,
      mbPerSecond: data.bytes / 1e6 / (wall / 1000),
      linesPerSecond: data.lines / (wall / 1000),
      peakRssMiB: Math.max(...runs.map((run) => run.maxRssKiB)) / 1024,
      vsDuckDb: wall / reference("duckdb"),
      vsFloor: wall / reference("floor"),
    };
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
