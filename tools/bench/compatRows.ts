import { createHash } from "node:crypto";

/**
 * What the CLI's compat records and the DuckDB reference are compared on, as one JSON text per row so that two
 * outputs compare as sets: the query's output columns that both compute.
 */
export interface CompatRow {
  ShellLocation: string;
  ProcessCommandLine: string;
  HostName: string;
  AttackerIP: string;
  /** ISO 8601, as the CLI writes `TimeGenerated`. */
  timestamp: string;
  /** Sorted. */
  Sites: string[];
  Attacker: Record<string, string>;
  PageDistinctIPs: number;
}

/** A row's comparable text: fields in a fixed order, sites sorted. */
export function compatRowKey(row: CompatRow): string {
  return JSON.stringify([
    row.ShellLocation,
    row.ProcessCommandLine,
    row.HostName,
    row.AttackerIP,
    row.timestamp,
    [...row.Sites].sort(),
    row.Attacker,
    row.PageDistinctIPs,
  ]);
}

/** The comparable rows of the CLI's JSON-lines output. */
export function compatRowsOfCli(jsonl: string): string[] {
  return jsonl
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const r = JSON.parse(line) as CompatRow & { TimeGenerated: string };
      return compatRowKey({ ...r, timestamp: r.TimeGenerated });
    });
}

/**
 * An output's rows as a set, in little space: how many distinct rows and a SHA-256 over them in sorted order. Two
 * outputs hold the same rows exactly when both agree (compat's cross-alert join can give hundreds of thousands).
 */
export function digestRows(rows: readonly string[]): { rows: number; digest: string } {
  const distinct = [...new Set(rows)].sort();
  const hash = createHash("sha256");
  for (const row of distinct) hash.update(row).update("\n");
  return { rows: distinct.length, digest: hash.digest("hex") };
}

/** Whether two outputs hold the same rows (as sets), and how many each has. */
export function sameRows(left: readonly string[], right: readonly string[]): boolean {
  const theirs = new Set(right);
  return new Set(left).size === theirs.size && left.every((row) => theirs.has(row));
}
