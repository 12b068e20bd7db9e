/**
 * `npm run generate -- --out <dir> [--seed n] [--lines n] [--start ISO] [--days n]`: writes a seeded web-shell
 * data set (see `lib/generate/`). Exit status 0 done, 1 failed, 2 usage error.
 */
import { runGenerateCli } from "./runGenerateCli.js";

process.exitCode = runGenerateCli(process.argv.slice(2), process.stdout, process.stderr);
