import { app, type InvocationContext, type Timer } from "@azure/functions";

import { contextLogger, getJobDeps, type JobDepsFactory } from "../lib/adapters/functions/root.js";
import { runScheduled } from "../lib/job/runScheduled.js";

/**
 * The scheduled job: one run over the alerts ingested since the watermark. A failure throws, failing this
 * invocation only; the watermark has not moved past what failed, so the next run redoes it.
 */
export function createEnrichTimer(getDeps: JobDepsFactory, now: () => number = Date.now) {
  return async function enrichTimer(_timer: Timer, context: InvocationContext): Promise<void> {
    const log = contextLogger(context);
    try {
      await runScheduled({ ...(await getDeps()), log, now });
    } catch (error) {
      log.error(`enrichment run failed: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  };
}

export const enrichTimer = createEnrichTimer(getJobDeps);

app.timer("enrichTimer", { schedule: "%ENRICH_SCHEDULE%", handler: enrichTimer });
