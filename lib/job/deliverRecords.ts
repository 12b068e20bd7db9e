import type { EnrichmentRecord } from "../core/records/EnrichmentRecord.js";
import { type CopySummary, knowsMore, mergeCopies, readCopySummary } from "../core/records/mergeCopies.js";
import type { Deadline } from "./Deadline.js";
import { buildIngestedIdsQuery } from "./kql/buildIngestedIdsQuery.js";
import type { FailedUpload, IngestionSink, LedgerClaim, RecordLedger, WorkspaceQuery } from "./ports.js";

export interface DeliveryDeps {
  ledger: RecordLedger;
  ingestion: IngestionSink;
  workspace: WorkspaceQuery;
  /** The custom table, to ask which pending records already arrived. */
  customTable: string;
  now: () => number;
  /**
   * How long a `pending` record may be in flight in another run before this run takes it over (ENRICH_SETTLE): the
   * custom table shows ingested rows only after some minutes, so asking earlier could send a record twice.
   */
  settleMs: number;
  /** The run's deadline: queries and the upload get what is left of it. */
  deadline: Deadline;
}

export interface DeliveryResult {
  records: number;
  /** Already in the custom table before this run (ledger says so, or the table answered). */
  alreadyIngested: number;
  uploaded: number;
  /** Records another run left pending (or the sweep abandoned) that this run took over. */
  takenOver: number;
  /**
   * Records delivered before that this run knows more about (an alert that named the process after its
   * `DeviceProcessEvents` row was delivered, a request that reached the workspace late) and took over to send
   * again, merged (counted in `uploaded` when accepted).
   */
  revised: number;
  failed: FailedUpload[];
  /** Pending in another run that may still be sending them, or taken over by another run first: left to it. */
  inFlightElsewhere: number;
  /** True when every record is in both sinks; only then may a checkpoint move past them. */
  complete: boolean;
}

// Record ids per "which are ingested" query: keeps the query text small.
const IDS_PER_QUERY = 500;

/**
 * Writes records to both sinks, at least once and almost always once (docs/design.md §6.5). The ledger in Table
 * Storage is written first (`pending`, insert-only, so concurrent runs cannot both claim a record), then the custom
 * table, then the ledger is marked `ingested`. A record that another run left `pending` for longer than the settle
 * time (or that the sweep abandoned) is taken over on its ETag, so exactly one run resends it, and only after the
 * custom table was asked whether it already has it. A record already delivered is sent again, taken over the same
 * way, only when this run knows more than the delivered copy (a source of its process, its alert, more requests);
 * what a run sends never drops a source or an alert an earlier copy had. Whatever fails is reported and the result
 * is not `complete`.
 */
export async function deliverRecords(
  records: readonly EnrichmentRecord[],
  deps: DeliveryDeps,
): Promise<DeliveryResult> {
  const byId = new Map(records.map((record) => [record.RecordId, record]));
  if (byId.size === 0) {
    return {
      records: 0,
      alreadyIngested: 0,
      uploaded: 0,
      takenOver: 0,
      revised: 0,
      failed: [],
      inFlightElsewhere: 0,
      complete: true,
    };
  }
  const { toUpload, stale, revisions, taken, inFlightElsewhere, alreadyIngested } = await claimRecords(
    byId,
    deps,
  );
  const takenRecords = [...stale, ...revisions]
    .filter((claim) => taken.has(claim.recordId))
    .map((claim) => claim.replaceWith!);
  const arrived = new Set((await findIngested(takenRecords, deps)).map((record) => record.RecordId));
  const { uploaded, failed } = await uploadAndMark(
    [...toUpload, ...takenRecords.filter((record) => !arrived.has(record.RecordId))],
    deps,
    takenRecords.filter((record) => arrived.has(record.RecordId)),
  );
  return {
    records: byId.size,
    alreadyIngested: alreadyIngested + arrived.size,
    uploaded: uploaded.length,
    takenOver: stale.filter((claim) => taken.has(claim.recordId)).length,
    revised: revisions.filter((claim) => taken.has(claim.recordId)).length,
    failed,
    inFlightElsewhere,
    complete: failed.length === 0 && inFlightElsewhere === 0,
  };
}

/**
 * The ledger's side before the upload: looks the records up, claims the new ones, and takes over those another run
 * left pending past the settle time, the sweep abandoned, or this run knows more about. These calls share what is
 * left of the run's budget, and are aborted when it is spent (`DeadlineError`): a claim already made stays pending
 * for a later run, as after any stop.
 */
async function claimRecords(byId: ReadonlyMap<string, EnrichmentRecord>, deps: DeliveryDeps) {
  return deps.deadline.bound("the ledger's lookup, claims and takeovers", async (abortSignal) => {
    const states = await deps.ledger.lookup([...byId.keys()], { abortSignal });
    const now = deps.now();
    const unknown = [...byId.values()].filter((record) => !states.has(record.RecordId));
    const claimed = await deps.ledger.claim(unknown, now, { abortSignal });
    const toUpload = unknown.filter((record) => claimed.has(record.RecordId));
    let inFlightElsewhere = unknown.length - toUpload.length;
    let alreadyIngested = 0;
    const stale: LedgerClaim[] = [];
    const revisions: LedgerClaim[] = [];
    for (const [recordId, state] of states) {
      const record = byId.get(recordId)!;
      const claim = { recordId, etag: state.etag, replaceWith: mergeCopies(record, state.summary) };
      if (state.state === "ingested") {
        if (knowsMore(record, state.summary)) revisions.push(claim);
        else alreadyIngested += 1;
      }
      // A record this run produces again is a finding again, whatever the sweep decided before.
      else if (state.state === "abandoned" || now - state.since >= deps.settleMs) stale.push(claim);
      else inFlightElsewhere += 1;
    }
    // Revisions are taken over like stale records, so that of two runs revising one record exactly one sends it.
    const taken = await deps.ledger.takeOver([...stale, ...revisions], now, { abortSignal });
    inFlightElsewhere += stale.length + revisions.length - taken.size;
    return { toUpload, stale, revisions, taken, inFlightElsewhere, alreadyIngested };
  });
}

/**
 * Marks `arrived` (records this run took over and found in the custom table) `ingested`, then uploads `records`
 * (claimed or taken over by this run) and marks the accepted ones. Records the service did not accept stay
 * `pending` for a later run.
 */
export async function uploadAndMark(
  records: readonly EnrichmentRecord[],
  deps: DeliveryDeps,
  arrived: readonly EnrichmentRecord[] = [],
): Promise<{ uploaded: EnrichmentRecord[]; failed: FailedUpload[] }> {
  if (arrived.length > 0) await deps.ledger.markIngested(arrived, deps.now());
  const { failed } =
    records.length === 0
      ? { failed: [] }
      : await deps.ingestion.upload(records, {
          timeoutMs: deps.deadline.stepTimeoutMs(`the upload of ${records.length} record(s)`),
        });
  const failedIds = new Set(failed.flatMap((failure) => failure.recordIds));
  const uploaded = records.filter((record) => !failedIds.has(record.RecordId));
  if (uploaded.length > 0) await deps.ledger.markIngested(uploaded, deps.now());
  return { uploaded, failed };
}

/**
 * The records the custom table already holds, asked 500 ids at a time: a record has arrived when a copy of it there
 * knows as much as this one (an older copy with fewer sources or requests does not count).
 */
export async function findIngested(
  records: readonly EnrichmentRecord[],
  deps: Pick<DeliveryDeps, "workspace" | "customTable" | "now" | "deadline">,
): Promise<EnrichmentRecord[]> {
  const found = new Map<string, CopySummary[]>();
  for (let start = 0; start < records.length; start += IDS_PER_QUERY) {
    const batch = records.slice(start, start + IDS_PER_QUERY);
    const name = "ingested records";
    const rows = await deps.workspace.query(
      buildIngestedIdsQuery(
        deps.customTable,
        batch.map((record) => record.RecordId),
      ),
      {
        name,
        // The custom table's TimeGenerated is the record's first request (or, past 2 days, its arrival).
        timespan: {
          start: Math.min(...batch.map((record) => record.TimeGenerated)),
          end: deps.now() + 60_000,
        },
        ...deps.deadline.queryLimits(`the ${name} query`),
      },
    );
    for (const row of rows) {
      const id = String(row.RecordId);
      found.set(id, [...(found.get(id) ?? []), readCopySummary(row)]);
    }
  }
  return records.filter((record) =>
    (found.get(record.RecordId) ?? []).some((copy) => !knowsMore(record, copy)),
  );
}
