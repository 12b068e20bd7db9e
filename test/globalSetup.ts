import { execFileSync } from "node:child_process";

/**
 * The CLI tests run the compiled command as a process, as users do; build it once before any test file runs
 * (incremental, so this is quick when `npm test` has just built).
 */
export default function setup(): void {
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
    stdio: "inherit",
  });
}
