import { Diagnostics } from "../core/Diagnostics.js";
import { MatchLimitError } from "../core/errors.js";
import type { EngineOptions, TimeRange } from "../core/model/EngineOptions.js";
import type { EnrichmentRecord } from "../core/records/EnrichmentRecord.js";
import { mergeCopies } from "../core/records/mergeCopies.js";
import { collectRecords } from "./collectRecords.js";
import { type DeliveryDeps, findIngested, uploadAndMark } from "./deliverRecords.js";
import type { FailedUpload, StalePending } from "./ports.js";

/** What the sweep needs of the run it follows. */
export interface SweepContext {
  /** Records this run's windows produced (their delivery took care of them). */
  produced: ReadonlySet<string>;
  /** The run's engine options: its mode's orphans are rechecked with them. */
  engine: EngineOptions;
  /** The end of the run's last window: the recheck's rarity baseline ends there, as that window's did. */
  baselineTo: number;
}

export interface SweepResult {
  /** Pending records older than the settle time that no window of this run produced. */
  found: number;
  /** Of those, taken over by another run first: left to it. */
  inFlightElsewhere: number;
  /** Found in the custom table after all (their ledger update was lost). */
  alreadyIngested: number;
  /** Sent again: still findings when rechecked, or of a mode this run does not make. */
  resent: number;
  /** Given up, each with the reason kept on its entity. */
  abandoned: { recordId: string; reason: string }[];
  /** Resent from a ledger copy that was cut to fit Table Storage, with what was cut. */
  resentCut: { recordId: string; problem: string }[];
  failed: FailedUpload[];
}

/** Stale records one run sweeps at most: one "which are ingested" query's worth. */
export const SWEEP_LIMIT = 500;
/** Spans of alerts one sweep reads again at most (three queries each); records of later spans wait. */
export const RECHECK_WINDOWS = 8;
// An alert row is ingested shortly after its TimeGenerated (the record's AlertTime): the recheck reads alerts
// ingested up to this long after it.
const ALERT_INGESTION_REACH_MS = 3_600_000;
// Alerts read again in one go span at most this long, as one window of the timer's default size.
const MAX_SPAN_MS = 6 * 3_600_000;

/**
 * The sweep of orphans (docs/design.md §6.5): `pending` records older than the settle time that no window of this
 * run produced would otherwise stay pending for ever (a window recomputed without them, an on-demand run that
 * stopped). Each is taken over on its ETag, the custom table is asked once more, and then:
 *
 * - a record of this run's mode is rechecked: its alert is read again by ingestion time, with the rarity baseline
 *   of this run's last window, as the timer would judge it now. Still a finding: the fresh record is sent. Its
 *   alert read and the record not produced: `abandoned`, with the reason (its page is no longer rare, the alert
 *   changed, or a setting did). Its alert not found: sent from the ledger's copy (nothing says it is wrong);
 * - a record of the other mode (an on-demand run's) is sent from the ledger's copy, which holds every column;
 * - a copy that cannot be read back is `abandoned`, saying why.
 *
 * At most {@link SWEEP_LIMIT} records and {@link RECHECK_WINDOWS} spans of alerts (six hours each, three queries)
 * a run; the rest wait for the next runs.
 */
export async function sweepPending(context: SweepContext, deps: DeliveryDeps): Promise<SweepResult> {
  const now = deps.now();
  const listed = (
    await deps.deadline.bound("the sweep's listing of pending records", (abortSignal) =>
      deps.ledger.listStalePending(now - deps.settleMs, SWEEP_LIMIT, { abortSignal }),
    )
  ).filter((entry) => !context.produced.has(entry.recordId));
  const spans = alertSpans(listed, context.engine.mode).slice(0, RECHECK_WINDOWS);
  const stale = listed.filter(
    (entry) =>
      entry.record?.MatchMode !== context.engine.mode || spans.some((span) => inSpan(entry.record!, span)),
  );
  const taken = await deps.deadline.bound("the sweep's takeovers", (abortSignal) =>
    deps.ledger.takeOver(stale, now, { abortSignal }),
  );
  const mine = stale.filter((entry) => taken.has(entry.recordId));
  const readable = mine.flatMap((entry) => (entry.record === undefined ? [] : [entry.record]));
  const arrived = await findIngested(readable, deps);
  const arrivedIds = new Set(arrived.map((record) => record.RecordId));
  const recheck = await recheckAlerts(
    readable.filter((record) => !arrivedIds.has(record.RecordId) && record.MatchMode === context.engine.mode),
    spans,
    context,
    deps,
  );

  const abandoned: SweepResult["abandoned"] = [];
  const resend: EnrichmentRecord[] = [];
  const resentCut: SweepResult["resentCut"] = [];
  for (const entry of mine) {
    const { record } = entry;
    if (record === undefined) {
      abandoned.push({
        recordId: entry.recordId,
        reason: `its ledger copy cannot be read back (${entry.problem ?? "unknown"})`,
      });
    } else if (arrivedIds.has(record.RecordId)) {
      continue;
    } else if (recheck.records.has(record.RecordId)) {
      // The fresh record from its alert, with any source the ledger's copy names besides (never fewer).
      resend.push(mergeCopies(recheck.records.get(record.RecordId)!, record));
    } else if (record.MatchMode === context.engine.mode && recheck.alertIds.has(record.SystemAlertId)) {
      abandoned.push({
        recordId: entry.recordId,
        reason:
          `superseded: alert ${record.SystemAlertId} read again no longer yields this record ` +
          "(its page is no longer rare, the alert changed, or a setting did)",
      });
    } else {
      resend.push(record);
      if (entry.problem !== undefined) resentCut.push({ recordId: entry.recordId, problem: entry.problem });
    }
  }
  if (abandoned.length > 0) {
    await deps.deadline.bound("the sweep's abandonments", (abortSignal) =>
      deps.ledger.markAbandoned(abandoned, now, { abortSignal }),
    );
  }
  const { uploaded, failed } = await uploadAndMark(resend, deps, arrived);
  const sent = new Set(uploaded.map((record) => record.RecordId));
  return {
    found: listed.length,
    inFlightElsewhere: stale.length - mine.length,
    alreadyIngested: arrived.length,
    resent: uploaded.length,
    abandoned,
    resentCut: resentCut.filter((cut) => sent.has(cut.recordId)),
    failed,
  };
}

/** Alerts of a mode's orphans, by TimeGenerated from `first` to `last`, read again together. */
interface AlertSpan {
  first: number;
  last: number;
}

const alertTimeOf = (record: EnrichmentRecord): number => record.AlertTime ?? record.TimeGenerated;

function inSpan(record: EnrichmentRecord, span: AlertSpan): boolean {
  const time = alertTimeOf(record);
  return time >= span.first && time <= span.last;
}

/** The span's alerts by ingestion time: from the first's TimeGenerated to an hour after the last's. */
function ingestionWindow(span: AlertSpan): TimeRange {
  return { from: span.first, to: span.last + ALERT_INGESTION_REACH_MS };
}

/** The orphans' alerts of this mode, in time order, grouped into spans of at most six hours. */
function alertSpans(entries: readonly StalePending[], mode: EngineOptions["mode"]): AlertSpan[] {
  const times = entries
    .flatMap((entry) => (entry.record?.MatchMode === mode ? [alertTimeOf(entry.record)] : []))
    .sort((a, b) => a - b);
  const spans: AlertSpan[] = [];
  for (const time of times) {
    const last = spans.at(-1);
    if (last !== undefined && time - last.first <= MAX_SPAN_MS) last.last = time;
    else spans.push({ first: time, last: time });
  }
  return spans;
}

/** Reads the spans' alerts again as the timer would now, and returns what they yield. */
async function recheckAlerts(
  records: readonly EnrichmentRecord[],
  spans: readonly AlertSpan[],
  context: SweepContext,
  deps: DeliveryDeps,
): Promise<{ records: Map<string, EnrichmentRecord>; alertIds: Set<string> }> {
  const found = new Map<string, EnrichmentRecord>();
  const alertIds = new Set<string>();
  for (const span of spans) {
    if (!records.some((record) => inSpan(record, span))) continue;
    let collected;
    try {
      collected = await collectRecords(
        {
          engine: context.engine,
          window: ingestionWindow(span),
          alertsBy: "ingestion",
          deadline: deps.deadline,
          baselineTo: context.baselineTo,
        },
        deps.workspace,
        new Diagnostics(),
        deps.now,
      );
    } catch (error) {
      // A span holding more records than a run can (a burst) cannot be rechecked, now or later: its orphans are
      // treated as if their alerts were not found, and sent from the ledger's copy, rather than fail every run.
      if (error instanceof MatchLimitError) continue;
      throw error;
    }
    for (const record of collected.records) found.set(record.RecordId, record);
    for (const id of collected.alertIds) alertIds.add(id);
  }
  return { records: found, alertIds };
}
