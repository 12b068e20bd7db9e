/**
 * `npm run start:host`: after the build, runs the function app in the local Functions host (`func start`), or says
 * how to get Core Tools and exits 1. See `startHost`.
 */
import { fileURLToPath } from "node:url";

import { startHost } from "./startHost.js";

// Ctrl-C reaches the host too (same terminal): wait for it to stop, and exit with its code.
process.on("SIGINT", () => {});
process.exitCode = await startHost({
  root: fileURLToPath(new URL("../../../", import.meta.url)),
  path: process.env["PATH"],
  stderr: process.stderr,
});
