#!/usr/bin/env node
// The `webshell-enrich` command (package.json `bin`; also `npm run enrich` and `npm start`): the exit code says
// what happened (see EXIT in main.ts).
import { EXIT, main } from "../lib/adapters/cli/main.js";

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(
    `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = EXIT.internal;
}
