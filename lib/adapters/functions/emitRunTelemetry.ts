import type { InvocationContext } from "@azure/functions";

import { formatTimestamp } from "../../core/model/parseTimestamp.js";
import { newRunSummary, type PassSummary, type ScheduledRunReport } from "../../job/runScheduled.js";
import type { SweepResult } from "../../job/sweepPending.js";

/**
 * Health telemetry of the scheduled job (docs/design.md §6.7). Each timer invocation writes exactly one trace
 * `WebShellEnrichmentRun {json}`: the Node.js worker's log lines reach Application Insights as traces
 * (`AppTraces.Message`) and offer no custom dimensions of their own, so the run's figures travel as JSON in the
 * message, and the alert rules of `infra/azuredeploy.json` read them with `parse_json`.
 */
export const RUN_EVENT_PREFIX = "WebShellEnrichmentRun ";

/**
 * The trace's JSON: the run's report, times as ISO 8601 text (KQL's `todatetime` reads them), absent values as null,
 * and the sweep as counts (its lists name up to hundreds of records, more than a trace should carry).
 */
export type RunEvent = Omit<
  ScheduledRunReport,
  "error" | "watermarkBefore" | "watermarkAfter" | "rangeTo" | "sweep" | "secondLook"
> & {
  error: string | null;
  watermarkBefore: string | null;
  watermarkAfter: string | null;
  rangeTo: string | null;
  sweep: SweepCounts | null;
  secondLook: PassEvent | null;
};

type PassEvent = Omit<PassSummary, "watermarkBefore" | "watermarkAfter" | "rangeTo"> & {
  watermarkBefore: string | null;
  watermarkAfter: string | null;
  rangeTo: string | null;
};

type SweepCounts = { [K in keyof SweepResult]: number };

// A trace message holds at most 32,768 characters; an error's own message is cut well before that.
const MAX_ERROR_LENGTH = 2000;

export function toRunEvent(report: ScheduledRunReport): RunEvent {
  const time = (value: number | undefined) => (value === undefined ? null : formatTimestamp(value));
  const { sweep, secondLook } = report;
  return {
    ...report,
    secondLook:
      secondLook === undefined
        ? null
        : {
            ...secondLook,
            watermarkBefore: time(secondLook.watermarkBefore),
            watermarkAfter: time(secondLook.watermarkAfter),
            rangeTo: time(secondLook.rangeTo),
          },
    error: report.error === undefined ? null : report.error.slice(0, MAX_ERROR_LENGTH),
    watermarkBefore: time(report.watermarkBefore),
    watermarkAfter: time(report.watermarkAfter),
    rangeTo: time(report.rangeTo),
    sweep:
      sweep === undefined
        ? null
        : {
            found: sweep.found,
            inFlightElsewhere: sweep.inFlightElsewhere,
            alreadyIngested: sweep.alreadyIngested,
            resent: sweep.resent,
            abandoned: sweep.abandoned.length,
            resentCut: sweep.resentCut.length,
            failed: sweep.failed.reduce((sum, failure) => sum + failure.recordIds.length, 0),
          },
  };
}

/** Reads a trace message back; undefined for any other message. */
export function parseRunEvent(message: string): RunEvent | undefined {
  return message.startsWith(RUN_EVENT_PREFIX)
    ? (JSON.parse(message.slice(RUN_EVENT_PREFIX.length)) as RunEvent)
    : undefined;
}

/**
 * One invocation's telemetry: `reportRun` is what the scheduled run calls when it ends; `reportFailure` covers the
 * failures before the run could start (settings, a store that cannot be reached), so that every failed invocation
 * is counted once.
 */
export function runTelemetry(context: InvocationContext, job: string, now: () => number) {
  const started = now();
  let reported = false;
  const emit = (report: ScheduledRunReport) => {
    reported = true;
    context.log(`${RUN_EVENT_PREFIX}${JSON.stringify(toRunEvent(report))}`);
  };
  return {
    reportRun: emit,
    reportFailure(error: unknown): void {
      if (reported) return;
      emit({
        ...newRunSummary(job),
        outcome: "failed",
        error: error instanceof Error ? error.message : String(error),
        elapsedMs: now() - started,
      });
    },
  };
}
