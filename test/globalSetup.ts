import { execFileSync } from "node:child_process";

/**
 * The CLI tests run the compiled command as a process, as users do; build it once before any test file runs
 * (`tsc -b` compiles only when a source is newer than the build, so this is quick after `npm test` built).
 */
export default function setup(): void {
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-b", "tsconfig.build.json"], {
    stdio: "inherit",
  });
}
