// One measured contender, in its own process: `node childMain.js <task> <report.json> <args…>`. The parent times
// the process from the outside; this writes what only the process knows (its peak RSS, its output) to the report.
// Each task loads only its own modules: the CLI and the floor must not pay for loading DuckDB.
import { readFileSync, writeFileSync } from "node:fs";

import type { StemCost } from "./measureStemCost.js";

/** What a child reports back. */
export interface ChildReport {
  /** Peak resident set of the whole process (JavaScript heap, buffers, DuckDB's native memory), KiB. */
  maxRssKiB: number;
  exitCode: number;
  /** The DuckDB task's rows (`compatRowKey` texts), as a count and digest (`digestRows`). */
  rows?: { rows: number; digest: string };
  /** The stem-cost task's figures. */
  stemCosts?: StemCost[];
  /** The floor's count of lines and bytes read. */
  lines?: number;
  bytes?: number;
}

const [task, reportPath, ...args] = process.argv.slice(2);
let report: Omit<ChildReport, "maxRssKiB">;
switch (task) {
  case "cli": {
    // the enrich command itself, as `node dist/bin/webshell-enrich.js <args>` runs it
    const { main } = await import("../../lib/adapters/cli/main.js");
    report = { exitCode: await main(args) };
    break;
  }
  case "duckdb": {
    const { runDuckDbCompat } = await import("./runDuckDbCompat.js");
    const { digestRows } = await import("./compatRows.js");
    report = { exitCode: 0, rows: digestRows(await runDuckDbCompat(args[0]!, args[1]!)) };
    break;
  }
  case "stem-cost": {
    // Not timed: the memory the engine holds per distinct script page (needs node --expose-gc).
    const { measureStemCost } = await import("./measureStemCost.js");
    report = { exitCode: 0, stemCosts: measureStemCost(args.map(Number)) };
    break;
  }
  case "floor": {
    const { readFloor } = await import("./readFloor.js");
    report = { exitCode: 0, ...(await readFloor(args[0]!)) };
    break;
  }
  default:
    throw new Error(`unknown task "${task}": expected cli, duckdb, floor or stem-cost`);
}
const full: ChildReport = { maxRssKiB: peakRssKiB(), ...report };
writeFileSync(reportPath!, JSON.stringify(full));
process.exitCode = report.exitCode;

/**
 * This process's peak resident set. On Linux from `VmHWM`, the high-water mark of this program's own memory:
 * `getrusage`'s `maxRSS` survives `exec`, so it also holds the benchmark parent's size at the moment it forked.
 */
function peakRssKiB(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (hwm !== null) return Number(hwm[1]);
  } catch {
    // not Linux: the portable figure
  }
  return process.resourceUsage().maxRSS;
}
