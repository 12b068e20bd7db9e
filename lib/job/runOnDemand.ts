import { Diagnostics } from "../core/Diagnostics.js";
import { DeadlineError } from "../core/errors.js";
import type { MatchMode } from "../core/model/EngineOptions.js";
import type { EnrichmentRecord } from "../core/records/EnrichmentRecord.js";
import { collectRecords } from "./collectRecords.js";
import type { Deadline } from "./Deadline.js";
import { deliverRecords, type DeliveryResult } from "./deliverRecords.js";
import { customTableOf, type JobDeps } from "./ports.js";

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
  /** False when some records are not (yet) in both sinks: `stoppedAt` says what is left and why. */
  complete: boolean;
  stoppedAt?: string;
}

/**
 * The job on demand over a time range, as a hunting query over that range (alerts by `TimeGenerated`, the same
 * records the command line gives on the same data). Writes to the sinks unless `dryRun`; never moves the watermark.
 * Every query and the upload get their time from `deadline` (ENRICH_HTTP_TIME_BUDGET), so the answer comes before
 * Azure's front end ends the request; a step that cannot be started in time throws `DeadlineError`.
 */
export async function runOnDemand(
  params: OnDemandParams,
  deps: JobDeps,
  deadline: Deadline,
): Promise<OnDemandResult> {
  const diagnostics = new Diagnostics();
  const collected = await collectRecords(
    {
      engine: { ...deps.config.engine, mode: params.mode },
      window: { from: params.from, to: params.to },
      alertsBy: "time",
      deadline,
    },
    deps.workspace,
    diagnostics,
    deps.now,
  );
  let delivery: DeliveryResult | undefined;
  let left: string[] = [];
  try {
    delivery = params.dryRun
      ? undefined
      : await deliverRecords(collected.records, {
          ...deps,
          customTable: customTableOf(deps.config),
          settleMs: deps.config.settleMs,
          deadline,
        });
    if (delivery !== undefined) left = describeIncomplete(delivery);
  } catch (error) {
    // The records were found: they are answered, and those claimed stay pending for a later run to write.
    if (!(error instanceof DeadlineError)) throw error;
    left = [
      `${error.message}; records already claimed stay pending for a later run to write, the others are not written`,
    ];
  }
  return {
    records: collected.records,
    delivery,
    skipped: [...diagnostics.inputs.values()].flatMap((input) => input.examples),
    complete: left.length === 0,
    ...(left.length === 0 ? {} : { stoppedAt: `writing the records: ${left.join("; ")}` }),
  };
}

function describeIncomplete(delivery: DeliveryResult): string[] {
  const left = delivery.failed.map(
    (failure) => `${failure.recordIds.length} not accepted (${failure.reason})`,
  );
  if (delivery.inFlightElsewhere > 0)
    left.push(`${delivery.inFlightElsewhere} in flight in another run, which writes them`);
  return left;
}
