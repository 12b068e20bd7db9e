import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The identity of a finding, as `truth.json` and precise records both carry it. */
const identity = (f: Record<string, unknown>) =>
  JSON.stringify([f.SystemAlertId, f.ProcessId, f.ProcessCommandLine, f.ShellLocation, f.AttackerIP]);

/**
 * Whether the CLI's precise output on the alerts (the benchmark reads no DeviceProcessEvents, as DuckDB's query
 * does not) is exactly the generator's ground truth for them: the `truth.json` findings whose process an alert
 * named. A check that the fast paths did not lose or invent a finding, on every size.
 */
export function checkPreciseTruth(
  dataDir: string,
  jsonl: string,
): { same: boolean; records: number; findings: number } {
  const truth = JSON.parse(readFileSync(join(dataDir, "truth.json"), "utf8")) as {
    findings: Record<string, unknown>[];
  };
  const alerted = truth.findings.filter((f) => String(f.ProcessSource).includes("SecurityAlert"));
  const expected = new Set(alerted.map(identity));
  const records = jsonl
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => identity(JSON.parse(line) as Record<string, unknown>));
  const same = records.length === expected.size && records.every((record) => expected.has(record));
  return { same, records: records.length, findings: expected.size };
}
