/**
 * `npm run package [-- --out <zip>]`: writes the function app's deployment package (default
 * `dist/functionapp.zip`) and prints its size. Exit status 0 done, 1 failed.
 */
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { packageFunctionApp } from "./packageFunctionApp.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const args = process.argv.slice(2);
const outIndex = args.indexOf("--out");
const out =
  outIndex >= 0 && args[outIndex + 1] !== undefined
    ? resolve(args[outIndex + 1]!)
    : join(root, "dist", "functionapp.zip");

try {
  const result = packageFunctionApp({ root, out, depsDir: join(root, "dist", "functionapp-deps") });
  const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  process.stdout.write(
    `package: wrote ${result.zipPath}: ${mib(result.zipBytes)} MiB (${result.files} files, ${mib(result.unpackedBytes)} MiB unpacked)` +
      `${result.installed ? "" : "; production dependencies reused from the last run"}\n`,
  );
} catch (error) {
  process.stderr.write(`package: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
