import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";

const LOG_NAME = /^u_ex\d{6}\.log$/;

/**
 * Creates the output folder, and empties its `iis/` of a previous generation so that no stale day or host is
 * left behind. Refuses (rather than deletes) when `iis/` holds anything the generator did not write.
 *
 * @throws Error naming the unexpected entry.
 */
export function prepareOutputDir(outDir: string): void {
  mkdirSync(outDir, { recursive: true });
  const iis = join(outDir, "iis");
  if (!existsSync(iis)) return;
  for (const host of readdirSync(iis)) {
    const hostDir = join(iis, host);
    if (!statSync(hostDir).isDirectory())
      throw new Error(`${hostDir}: expected only host folders in ${iis}; not overwriting`);
    for (const file of readdirSync(hostDir)) {
      if (!LOG_NAME.test(file))
        throw new Error(`${join(hostDir, file)}: not a generated u_exYYMMDD.log; not overwriting ${iis}`);
    }
  }
  rmSync(iis, { recursive: true });
}
