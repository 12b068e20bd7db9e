import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

import functions from "@azure/functions";

import { createEnrichHttp } from "../../../functions/enrichHttp.js";
import { createJobDeps } from "../../../lib/adapters/azure/createJobDeps.js";
import { parseConfig } from "../../../lib/job/config/parseConfig.js";
import { staticTokenCredential } from "../../doubles/staticTokenCredential.js";

/**
 * One on-demand run of the real handler, in a process of its own so that its peak resident memory is the app's
 * alone (the doubles and Azurite run in the parent). Settings come from the environment as in Azure; the CA file
 * makes the SDK clients trust the doubles' certificate. Prints one JSON line: duration, peak RSS, records.
 */
// @azure/functions is CommonJS: Node's ESM loader finds `app` among its exports but not these classes.
const { HttpRequest, InvocationContext } = functions;

async function main(): Promise<void> {
  const env = process.env;
  const config = parseConfig(env);
  const ca = readFileSync(env.LOAD_CA_FILE ?? "", "utf8");
  const deps = await createJobDeps(config, {
    credential: staticTokenCredential(),
    pipeline: { tlsOptions: { ca } },
  });
  const handler = createEnrichHttp(() => Promise.resolve(deps));
  const url = new URL("https://app.example/api/enrich");
  url.searchParams.set("from", env.LOAD_FROM ?? "");
  url.searchParams.set("to", env.LOAD_TO ?? "");
  url.searchParams.set("dryRun", env.LOAD_DRY_RUN ?? "false");
  const logs: string[] = [];
  const context = new InvocationContext({
    functionName: "enrich",
    logHandler: (_level, ...args) => logs.push(args.map(String).join(" ")),
  });
  const started = performance.now();
  const response = await handler(new HttpRequest({ method: "GET", url: url.toString() }), context);
  const durationMs = performance.now() - started;
  const body = (response.jsonBody ?? {}) as { records?: unknown[]; written?: unknown; errors?: unknown };
  process.stdout.write(
    JSON.stringify({
      status: response.status ?? 200,
      durationMs: Math.round(durationMs),
      // resourceUsage().maxRSS is the process's peak resident set, in KiB.
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      records: body.records?.length ?? 0,
      written: body.written,
      errors: body.errors,
      logs,
    }) + "\n",
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
