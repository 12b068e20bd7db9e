import { readFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem } from "node:os";

/**
 * The machine a benchmark ran on, for RESULTS.md: results mean little without it. `versions` names the other
 * programs measured (`DuckDB v1.5.6`).
 */
export function describeMachine(versions: readonly string[] = []): string {
  const cpu = cpus();
  return [
    `${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown CPU"}`,
    `${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
    `${osName()} (kernel ${release()})`,
    `Node ${process.versions.node} (V8 ${process.versions.v8})`,
    ...versions,
  ].join(", ");
}

/** The 1, 5 and 15 minute load averages: how busy the machine was with other work. */
export function describeLoad(): string {
  return loadavg()
    .map((load) => load.toFixed(2))
    .join(" / ");
}

function osName(): string {
  try {
    const release = readFileSync("/etc/os-release", "utf8");
    return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(release)?.[1] ?? process.platform;
  } catch {
    return process.platform;
  }
}
