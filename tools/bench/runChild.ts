import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import type { ChildReport } from "./childMain.js";

/** One timed run of a contender. */
export interface ChildRun extends ChildReport {
  wallMs: number;
  stdout: string;
  stderr: string;
}

const CHILD = fileURLToPath(new URL("./childMain.js", import.meta.url));

/**
 * Runs `childMain.js <task> <args>` in a fresh Node process and times it from spawn to exit, start-up included
 * (every contender pays its own). Throws when the child fails.
 */
export async function runChild(
  task: string,
  args: readonly string[],
  nodeFlags: readonly string[] = [],
): Promise<ChildRun> {
  const reportPath = join(tmpdir(), `bench-${process.pid}-${task}-${Date.now()}.json`);
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeFlags, CHILD, task, reportPath, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  const wallMs = performance.now() - started;
  const run = { wallMs, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() };
  if (code !== 0) throw new Error(`${task} exited with ${code}:\n${run.stderr.slice(-2000)}`);
  try {
    return { ...(JSON.parse(readFileSync(reportPath, "utf8")) as ChildReport), ...run };
  } finally {
    rmSync(reportPath, { force: true });
  }
}
