import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const temporaryLocations = new Set<string>();
process.once("exit", () => {
  for (const location of temporaryLocations) rmSync(location, { recursive: true, force: true });
});

/**
 * A data folder named after this process. Vitest ends its workers with SIGTERM, which skips `exit` handlers, so
 * each new folder is also the moment to remove the folders of processes that no longer exist.
 */
export function makeAzuriteLocation(): string {
  for (const name of readdirSync(tmpdir())) {
    const owner = /^azurite-test-(\d+)-/.exec(name)?.[1];
    if (owner !== undefined && !isAlive(Number(owner))) {
      rmSync(join(tmpdir(), name), { recursive: true, force: true });
    }
  }
  const location = mkdtempSync(join(tmpdir(), `azurite-test-${process.pid}-`));
  temporaryLocations.add(location);
  return location;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
