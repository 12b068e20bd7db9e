import { Diagnostics } from "../core/Diagnostics.js";
import type { MatchMode } from "../core/model/EngineOptions.js";
import type { EnrichmentRecord } from "../core/records/EnrichmentRecord.js";
import { collectRecords } from "./collectRecords.js";
import { deliverRecords, type DeliveryResult } from "./deliverRecords.js";
import { customTableOf, type JobDeps } from "./ports.js";
import { queryTimeoutSeconds } from "./queryTimeoutSeconds.js";

export interface OnDemandParams {
  from: number;
  to: number;
  mode: MatchMode;
  /** Compute and return the records without writing them anywhere. */
  dryRun: boolean;
}

export interface OnDemandResult {
  records: EnrichmentRecord[];
  delivery: DeliveryResult | undefined;
  skipped: { source: string; line?: number; alertId?: string; reason: string }[];
}

/**
 * The job on demand over a time range, as a hunting query over that range (alerts by `TimeGenerated`, the same
 * records the command line gives on the same data). Writes to the sinks unless `dryRun`; never moves the watermark.
 */
export async function runOnDemand(params: OnDemandParams, deps: JobDeps): Promise<OnDemandResult> {
  const diagnostics = new Diagnostics();
  const collected = await collectRecords(
    {
      engine: { ...deps.config.engine, mode: params.mode },
      window: { from: params.from, to: params.to },
      alertsBy: "time",
      serverTimeoutSeconds: queryTimeoutSeconds(deps.config.timeBudgetMs, 0),
    },
    deps.workspace,
    diagnostics,
    deps.now,
  );
  const delivery = params.dryRun
    ? undefined
    : await deliverRecords(collected.records, {
        ...deps,
        customTable: customTableOf(deps.config),
        settleMs: Math.max(deps.config.ingestionDelayMs, 60_000),
      });
  return {
    records: collected.records,
    delivery,
    skipped: [...diagnostics.inputs.values()].flatMap((input) => input.examples),
  };
}
