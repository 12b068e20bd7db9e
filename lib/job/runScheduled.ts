import { Diagnostics } from "../core/Diagnostics.js";
import { IncompleteWindowError } from "../core/errors.js";
import type { TimeRange } from "../core/model/EngineOptions.js";
import { formatTimestamp } from "../core/model/parseTimestamp.js";
import { advanceWatermark } from "./advanceWatermark.js";
import { collectRecords } from "./collectRecords.js";
import { deliverRecords } from "./deliverRecords.js";
import { customTableOf, type JobDeps } from "./ports.js";
import { queryTimeoutSeconds } from "./queryTimeoutSeconds.js";

export interface ScheduledRunSummary {
  job: string;
  watermarkBefore: number | undefined;
  watermarkAfter: number | undefined;
  windows: number;
  alertRows: number;
  records: number;
  uploaded: number;
  alreadyIngested: number;
  skipped: number;
  /** True when the time budget stopped the run before the end (the next run continues). */
  stoppedByBudget: boolean;
}

/** How a scheduled run ended, for health telemetry (docs/design.md §6.6): its summary and its outcome. */
export interface ScheduledRunReport extends ScheduledRunSummary {
  outcome: "succeeded" | "failed";
  /** The failure's message, when the run failed. */
  error?: string;
  elapsedMs: number;
}

/** A run's summary before its first window: nothing read or written, the watermark where it was. */
export function newRunSummary(job: string, watermark?: number): ScheduledRunSummary {
  return {
    job,
    watermarkBefore: watermark,
    watermarkAfter: watermark,
    windows: 0,
    alertRows: 0,
    records: 0,
    uploaded: 0,
    alreadyIngested: 0,
    skipped: 0,
    stoppedByBudget: false,
  };
}

/**
 * One scheduled run (docs/design.md §6): processes alerts by ingestion time over [watermark − overlap, now − delay], in
 * windows no longer than `maxWindowMs`, and moves the watermark after each window only once every sink accepted
 * all its records. Stops starting windows when the time budget is spent. Throws (failing the invocation, not the
 * process) when a window cannot be completed; what was completed stays checkpointed.
 */
export async function runScheduled(
  deps: JobDeps,
  job = `timer-${deps.config.engine.mode}`,
): Promise<ScheduledRunSummary> {
  const { config, log } = deps;
  const started = deps.now();
  let watermark = await deps.checkpoints.read(job);
  const summary = newRunSummary(job, watermark?.value);
  const from = (watermark?.value ?? started - config.firstRunLookbackMs) - config.overlapMs;
  const windows = splitWindow({ from, to: started - config.ingestionDelayMs }, config.maxWindowMs);

  let failure: string | undefined;
  try {
    for (const window of windows) {
      const elapsed = deps.now() - started;
      if (elapsed >= config.timeBudgetMs) {
        summary.stoppedByBudget = true;
        break;
      }
      const diagnostics = new Diagnostics();
      const serverTimeoutSeconds = queryTimeoutSeconds(config.timeBudgetMs, elapsed);
      const collected = await collectRecords(
        { engine: config.engine, window, alertsBy: "ingestion", serverTimeoutSeconds },
        deps.workspace,
        diagnostics,
        deps.now,
      );
      reportSkips(diagnostics, deps);
      const delivery = await deliverRecords(collected.records, {
        ...deps,
        customTable: customTableOf(config),
        settleMs: Math.max(config.ingestionDelayMs, 60_000),
      });
      summary.windows += 1;
      summary.alertRows += collected.alertRows;
      summary.records += collected.records.length;
      summary.uploaded += delivery.uploaded;
      summary.alreadyIngested += delivery.alreadyIngested;
      summary.skipped += diagnostics.totalSkipped;
      if (!delivery.complete) {
        const reasons = delivery.failed.map((f) => `${f.recordIds.length} record(s): ${f.reason}`);
        if (delivery.inFlightElsewhere > 0)
          reasons.push(`${delivery.inFlightElsewhere} record(s) in flight in another run`);
        throw new IncompleteWindowError(
          `Window ${formatTimestamp(window.from)}..${formatTimestamp(window.to)} not complete: ${reasons.join("; ")}`,
        );
      }
      watermark = await advanceWatermark(deps.checkpoints, job, window.to, watermark);
      summary.watermarkAfter = watermark.value;
    }
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
    throw error;
  } finally {
    const elapsedMs = deps.now() - started;
    log.info(formatSummary(summary, elapsedMs));
    deps.reportRun?.({
      ...summary,
      elapsedMs,
      ...(failure === undefined ? { outcome: "succeeded" } : { outcome: "failed", error: failure }),
    });
  }
  return summary;
}

function reportSkips(diagnostics: Diagnostics, deps: JobDeps): void {
  for (const [source, counts] of diagnostics.inputs) {
    for (const skip of counts.examples) {
      deps.log.warn(
        `skipped ${source}${skip.alertId === undefined ? "" : ` alert ${skip.alertId}`}: ${skip.reason}`,
      );
    }
    if (counts.skipped > counts.examples.length) {
      deps.log.warn(`skipped ${counts.skipped - counts.examples.length} more row(s) of ${source}`);
    }
  }
  for (const warning of diagnostics.warnings) deps.log.warn(warning);
}

function formatSummary(s: ScheduledRunSummary, elapsedMs: number): string {
  const time = (value: number | undefined) => (value === undefined ? "none" : formatTimestamp(value));
  return (
    `enrichment run ${s.job}: ${s.windows} window(s), ${s.alertRows} alert row(s) read, ${s.records} record(s) ` +
    `correlated, ${s.uploaded} written, ${s.alreadyIngested} already present, ${s.skipped} skipped; watermark ` +
    `${time(s.watermarkBefore)} -> ${time(s.watermarkAfter)}${s.stoppedByBudget ? " (time budget reached)" : ""}; ` +
    `${elapsedMs} ms`
  );
}

/** Splits [from, to) into consecutive windows of at most `size` ms; none when the range is empty. */
export function splitWindow(range: TimeRange, size: number): TimeRange[] {
  if (!(size > 0)) throw new RangeError(`window size must be positive, got ${size}`);
  const windows: TimeRange[] = [];
  for (let from = range.from; from < range.to; from += size)
    windows.push({ from, to: Math.min(from + size, range.to) });
  return windows;
}
