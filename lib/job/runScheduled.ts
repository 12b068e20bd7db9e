import { Diagnostics } from "../core/Diagnostics.js";
import { DeadlineError, IncompleteWindowError, MatchLimitError, QueryError } from "../core/errors.js";
import type { TimeRange } from "../core/model/EngineOptions.js";
import { formatTimestamp } from "../core/model/parseTimestamp.js";
import { advanceWatermark } from "./advanceWatermark.js";
import { collectRecords } from "./collectRecords.js";
import { confirmIngested, type ConfirmResult } from "./confirmIngested.js";
import { Deadline } from "./Deadline.js";
import { deliverRecords, type DeliveryDeps } from "./deliverRecords.js";
import { customTableOf, type JobDeps, type Watermark } from "./ports.js";
import { sweepPending, type SweepResult } from "./sweepPending.js";

/** What one pass over a job's windows did: read, correlated, delivered, and where its watermark went. */
export interface PassSummary {
  job: string;
  watermarkBefore: number | undefined;
  watermarkAfter: number | undefined;
  /** The end of the range the pass was to cover: the watermark it would reach by catching up. */
  rangeTo?: number;
  windows: number;
  alertRows: number;
  records: number;
  uploaded: number;
  alreadyIngested: number;
  /** Records other runs left pending (or the sweep abandoned) that this run took over and settled. */
  takenOver: number;
  /** Records delivered before that this run sent again knowing more (docs/design.md §6.5). */
  revised: number;
  skipped: number;
  /**
   * Windows passed over because they hold more records than a run can (MatchLimitError, docs/design.md §6.1), each
   * named in the log: the watermark moves past them, and the run fails once its passes are done, so it is seen.
   */
  oversizedWindows: number;
  /** True when the time budget stopped the pass before the end (the next run continues). */
  stoppedByBudget: boolean;
  /** Where the pass stopped before the end of its range (the watermark stays there) and why. */
  stopped?: { at: number; reason: string };
}

export interface ScheduledRunSummary extends PassSummary {
  /** The check that ingested records reached the custom table, run before the sweep. */
  confirm?: ConfirmResult;
  /** The sweep of orphaned pending records, run when the windows covered the whole range. */
  sweep?: SweepResult;
  /** The second look at windows read `ENRICH_SECOND_LOOK` earlier, run when the first pass covered its range. */
  secondLook?: PassSummary;
}

/** How a scheduled run ended, for health telemetry (docs/design.md §6.7): its summary and its outcome. */
export interface ScheduledRunReport extends ScheduledRunSummary {
  outcome: "succeeded" | "failed";
  /** The failure's message, when the run failed. */
  error?: string;
  elapsedMs: number;
}

/** A pass's summary before its first window: nothing read or written, the watermark where it was. */
export function newRunSummary(job: string, watermark?: number): PassSummary {
  return {
    job,
    watermarkBefore: watermark,
    watermarkAfter: watermark,
    windows: 0,
    alertRows: 0,
    records: 0,
    uploaded: 0,
    alreadyIngested: 0,
    takenOver: 0,
    revised: 0,
    skipped: 0,
    oversizedWindows: 0,
    stoppedByBudget: false,
  };
}

// The least time left in which a window is started (its first query needs a few seconds).
const MIN_WINDOW_MS = 5_000;
// The shortest window a window too big to hold is split down to before it is passed over.
const MIN_SPLIT_MS = 60_000;
// Time left under which a query's timeout is the run's budget running out (its client wait was what was left).
const SPENT_MS = 2_000;
// Abandoned records named one by one in the log; the rest are counted.
const NAMED_ABANDONED = 20;

/**
 * One scheduled run (docs/design.md §6.2): processes alerts by ingestion time over [watermark − overlap, now − delay], in
 * windows no longer than `maxWindowMs`, and moves the watermark after each window only once every sink accepted
 * all its records. One deadline (start + ENRICH_TIME_BUDGET) bounds every query and upload; a window is started
 * only when the time left is at least what the longest window of this run took. The run stops cleanly, with the
 * watermark before the window, when the budget is spent or another run holds records of the window; it throws
 * (failing the invocation, not the process) when a window cannot be completed. When the first pass covered its
 * range, a second pass, with its own watermark, reads the windows that ended `ENRICH_SECOND_LOOK` earlier once more
 * (IIS rows that arrived late make records, or complete those delivered); then the sweep settles orphaned pending
 * records.
 */
export async function runScheduled(
  deps: JobDeps,
  job = `timer-${deps.config.engine.mode}`,
): Promise<ScheduledRunSummary> {
  const { config, log } = deps;
  const started = deps.now();
  const deadline = Deadline.after(config.timeBudgetMs, deps.now);
  const pass: PassContext = {
    deps,
    deadline,
    delivery: { ...deps, customTable: customTableOf(config), settleMs: config.settleMs, deadline },
    produced: new Set<string>(),
    longestWindowMs: 0,
  };
  const to = started - config.ingestionDelayMs;
  const summary: ScheduledRunSummary = newRunSummary(job);

  let failure: string | undefined;
  try {
    const firstFrom = started - config.firstRunLookbackMs;
    const secondJob = `${job}-second-look`;
    const [firstMark, secondMark] = await Promise.all([
      deps.checkpoints.read(job),
      config.secondLookMs > 0 ? deps.checkpoints.read(secondJob) : undefined,
    ]);
    const first: Pass = { summary, range: { firstFrom, to }, watermark: firstMark };
    const second: Pass | undefined =
      config.secondLookMs > 0
        ? {
            summary: newRunSummary(secondJob),
            range: { firstFrom, to: to - config.secondLookMs },
            watermark: secondMark,
          }
        : undefined;
    const runSecondLook = async (look: Pass) => {
      summary.secondLook = look.summary;
      await runPass(look, pass);
    };
    // Under load, the pass further behind its own end goes first, so that neither starves the other; otherwise the
    // first pass does, and the second look follows only when the first pass covered its range.
    const secondFirst = second !== undefined && behind(second) > behind(first);
    if (second !== undefined && secondFirst) await runSecondLook(second);
    await runPass(first, pass);
    if (summary.stopped === undefined) {
      if (second !== undefined && !secondFirst) await runSecondLook(second);
      try {
        summary.confirm = await confirmIngested(pass.delivery);
        summary.sweep = await sweepPending(
          { produced: pass.produced, engine: config.engine, baselineTo: to },
          pass.delivery,
        );
      } catch (error) {
        if (!(error instanceof DeadlineError)) throw error;
        log.warn(`check of ingested records or sweep of pending records stopped: ${error.message}`);
      }
      reportSweep(summary.sweep, deps);
    }
    const oversized = summary.oversizedWindows + (summary.secondLook?.oversizedWindows ?? 0);
    if (oversized > 0) {
      throw new IncompleteWindowError(
        `${oversized} window(s) passed over: more records than a run holds (each named in the log)`,
      );
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

/** What the passes of one run share: its deadline, its delivery, the records its windows produced. */
interface PassContext {
  deps: JobDeps;
  deadline: Deadline;
  delivery: DeliveryDeps;
  produced: Set<string>;
  /** The longest window of the run so far, of either pass: a window is started only when that much is left. */
  longestWindowMs: number;
}

/** One pass of a run: its job's summary (named after the job), the range it is to cover, its watermark as read. */
interface Pass {
  summary: PassSummary;
  /** `firstFrom` is where it starts when its job has no watermark yet. */
  range: { firstFrom: number; to: number };
  watermark: Watermark | undefined;
}

/** How far a pass's watermark trails the end of its range (0 without one: a first run starts where it should). */
function behind({ watermark, range }: Pass): number {
  return watermark === undefined ? 0 : range.to - watermark.value;
}

/**
 * The windows of one pass (its job's own watermark) over [watermark − overlap, to), from `firstFrom` when it has none,
 * each delivered and checkpointed in turn; `summary` says how far it got. Stops cleanly when the budget is spent or
 * another run holds records of a window; throws when a window cannot be completed.
 */
async function runPass(
  { summary, range: { firstFrom, to }, watermark: read }: Pass,
  pass: PassContext,
): Promise<void> {
  const { deps, deadline } = pass;
  const { config } = deps;
  let watermark = read;
  summary.watermarkBefore = summary.watermarkAfter = watermark?.value;
  summary.rangeTo = to;
  const from = (watermark?.value ?? firstFrom) - config.overlapMs;
  const stopByBudget = (window: TimeRange, reason: string) => {
    summary.stoppedByBudget = true;
    summary.stopped = { at: window.from, reason };
  };
  const windows = from < to ? splitWindow({ from, to }, config.maxWindowMs) : [];
  for (let window = windows.shift(); window !== undefined; window = windows.shift()) {
    const needed = Math.max(pass.longestWindowMs, MIN_WINDOW_MS);
    if (deadline.leftMs() < needed) {
      stopByBudget(
        window,
        `time budget: ${seconds(deadline.leftMs())} s left, a window needs ${seconds(needed)} s`,
      );
      return;
    }
    const windowStarted = deps.now();
    const diagnostics = new Diagnostics();
    let collected;
    let delivered;
    try {
      collected = await collectRecords(
        { engine: config.engine, window, alertsBy: "ingestion", deadline },
        deps.workspace,
        diagnostics,
        deps.now,
      );
      reportSkips(diagnostics, deps);
      delivered = await deliverRecords(collected.records, pass.delivery);
    } catch (error) {
      if (error instanceof MatchLimitError && window.to - window.from > MIN_SPLIT_MS) {
        // A shorter window holds fewer alerts and processes: the halves are tried in turn, so that only the
        // burst's own minutes are passed over, not the other hosts' findings of a long window.
        const half = window.from + Math.floor((window.to - window.from) / 2);
        windows.unshift({ from: window.from, to: half }, { from: half, to: window.to });
        continue;
      }
      if (error instanceof MatchLimitError) {
        // The same data gives the same error: failing here would hold the watermark before this window for good,
        // and every later finding with it. The window is passed over, loudly; the command line can enrich it.
        deps.log.error(
          `window ${formatTimestamp(window.from)}..${formatTimestamp(window.to)} passed over: ${error.message}`,
        );
        summary.oversizedWindows += 1;
        watermark = await advanceWatermark(deps.checkpoints, summary.job, window.to, watermark);
        summary.watermarkAfter = watermark.value;
        continue;
      }
      // A query abandoned at the client timeout the deadline gave it is the budget running out, not a failure.
      const spent = error instanceof QueryError && error.reason === "timeout" && deadline.leftMs() < SPENT_MS;
      if (!(error instanceof DeadlineError) && !spent) throw error;
      stopByBudget(window, (error as Error).message);
      return;
    }
    pass.longestWindowMs = Math.max(pass.longestWindowMs, deps.now() - windowStarted);
    summary.windows += 1;
    summary.alertRows += collected.alertRows;
    summary.records += collected.records.length;
    summary.uploaded += delivered.uploaded;
    summary.alreadyIngested += delivered.alreadyIngested;
    summary.takenOver += delivered.takenOver;
    summary.revised += delivered.revised;
    summary.skipped += diagnostics.totalSkipped;
    for (const record of collected.records) pass.produced.add(record.RecordId);
    if (delivered.failed.length > 0) {
      const reasons = delivered.failed.map((f) => `${f.recordIds.length} record(s): ${f.reason}`);
      if (delivered.inFlightElsewhere > 0)
        reasons.push(`${delivered.inFlightElsewhere} record(s) in flight in another run`);
      throw new IncompleteWindowError(
        `Window ${formatTimestamp(window.from)}..${formatTimestamp(window.to)} not complete: ${reasons.join("; ")}`,
      );
    }
    if (delivered.inFlightElsewhere > 0) {
      // Not a failure: the other run completes them, or a run after the settle time takes them over.
      summary.stopped = {
        at: window.from,
        reason: `${delivered.inFlightElsewhere} record(s) of the window in flight in another run`,
      };
      return;
    }
    watermark = await advanceWatermark(deps.checkpoints, summary.job, window.to, watermark);
    summary.watermarkAfter = watermark.value;
  }
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

function reportSweep(sweep: SweepResult | undefined, deps: JobDeps): void {
  if (sweep === undefined) return;
  for (const { recordId, reason } of sweep.abandoned.slice(0, NAMED_ABANDONED))
    deps.log.warn(`abandoned pending record ${recordId}: ${reason}`);
  if (sweep.abandoned.length > NAMED_ABANDONED)
    deps.log.warn(`abandoned ${sweep.abandoned.length - NAMED_ABANDONED} more pending record(s)`);
  for (const { recordId, problem } of sweep.resentCut.slice(0, NAMED_ABANDONED))
    deps.log.warn(`resent pending record ${recordId} from its ledger copy: ${problem}`);
  for (const failure of sweep.failed)
    deps.log.warn(`sweep: ${failure.recordIds.length} record(s) not resent: ${failure.reason}`);
}

function formatSummary(s: ScheduledRunSummary, elapsedMs: number): string {
  const time = (value: number | undefined) => (value === undefined ? "none" : formatTimestamp(value));
  const stoppedAt = (pass: PassSummary) =>
    pass.stopped === undefined ? "" : ` (stopped at ${time(pass.stopped.at)}: ${pass.stopped.reason})`;
  const second = s.secondLook;
  const secondLook =
    second === undefined
      ? ""
      : `; second look: ${second.windows} window(s), ${second.records} record(s) correlated, ${second.uploaded} ` +
        `written, ${second.revised} revised, watermark ${time(second.watermarkBefore)} -> ` +
        `${time(second.watermarkAfter)}${stoppedAt(second)}`;
  const confirm =
    s.confirm === undefined
      ? ""
      : `; confirm: ${s.confirm.checked} checked, ${s.confirm.confirmed} in the custom table, ${s.confirm.missing} ` +
        "missing and pending again";
  const sweep =
    s.sweep === undefined
      ? ""
      : `; sweep: ${s.sweep.found} stale pending, ${s.sweep.alreadyIngested} already present, ` +
        `${s.sweep.resent} resent, ${s.sweep.abandoned.length} abandoned, ${s.sweep.inFlightElsewhere} in flight ` +
        "elsewhere";
  return (
    `enrichment run ${s.job}: ${s.windows} window(s), ${s.alertRows} alert row(s) read, ${s.records} record(s) ` +
    `correlated, ${s.uploaded} written, ${s.alreadyIngested} already present, ${s.takenOver} taken over, ` +
    `${s.revised} revised, ` +
    `${s.skipped} skipped; watermark ${time(s.watermarkBefore)} -> ${time(s.watermarkAfter)}${stoppedAt(s)}` +
    `${secondLook}${confirm}${sweep}; ` +
    `${elapsedMs} ms`
  );
}

function seconds(ms: number): number {
  return Math.max(0, Math.round(ms / 100) / 10);
}

/** Splits [from, to) into consecutive windows of at most `size` ms; none when the range is empty. */
export function splitWindow(range: TimeRange, size: number): TimeRange[] {
  if (!(size > 0)) throw new RangeError(`window size must be positive, got ${size}`);
  const windows: TimeRange[] = [];
  for (let from = range.from; from < range.to; from += size)
    windows.push({ from, to: Math.min(from + size, range.to) });
  return windows;
}
