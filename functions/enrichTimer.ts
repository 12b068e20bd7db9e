import { app, type InvocationContext, type Timer } from "@azure/functions";

import { runTelemetry } from "../lib/adapters/functions/emitRunTelemetry.js";
import { contextLogger, getJobDeps, type JobDepsFactory } from "../lib/adapters/functions/root.js";
import { runScheduled } from "../lib/job/runScheduled.js";

/**
 * The scheduled job: one run over the alerts ingested since the watermark. A failure throws, failing this
 * invocation only; the watermark has not moved past what failed, so the next run redoes it. Every invocation writes
 * one health trace, failed or not (docs/design.md §6.7).
 */
export function createEnrichTimer(getDeps: JobDepsFactory, now: () => number = Date.now) {
  return async function enrichTimer(_timer: Timer, context: InvocationContext): Promise<void> {
    const log = contextLogger(context);
    const telemetry = runTelemetry(context, "timer", now);
    try {
      await runScheduled({ ...(await getDeps()), log, now, reportRun: telemetry.reportRun });
    } catch (error) {
      telemetry.reportFailure(error);
      log.error(`enrichment run failed: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  };
}

export const enrichTimer = createEnrichTimer(getJobDeps);

app.timer("enrichTimer", { schedule: "%ENRICH_SCHEDULE%", handler: enrichTimer });
