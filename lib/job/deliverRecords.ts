import type { EnrichmentRecord } from "../core/records/EnrichmentRecord.js";
import { buildIngestedIdsQuery } from "./kql/buildIngestedIdsQuery.js";
import type { FailedUpload, IngestionSink, RecordLedger, WorkspaceQuery } from "./ports.js";

export interface DeliveryDeps {
  ledger: RecordLedger;
  ingestion: IngestionSink;
  workspace: WorkspaceQuery;
  /** The custom table, to ask which pending records already arrived. */
  customTable: string;
  now: () => number;
  /**
   * How long a `pending` record may be in flight in another run before this run takes it over (the custom table
   * shows ingested rows after some minutes, so asking earlier could send a record twice).
   */
  settleMs: number;
}

export interface DeliveryResult {
  records: number;
  /** Already in the custom table before this run (ledger says so, or the table answered). */
  alreadyIngested: number;
  uploaded: number;
  failed: FailedUpload[];
  /** Pending in another run that may still be sending them: left for a later run. */
  inFlightElsewhere: number;
  /** True when every record is in both sinks; only then may a checkpoint move past them. */
  complete: boolean;
}

// Record ids per "which are ingested" query: keeps the query text small.
const IDS_PER_QUERY = 500;

/**
 * Writes records to both sinks exactly once (docs/design.md §6): the ledger in Table Storage is written first (`pending`,
 * insert-only, so concurrent runs cannot both claim a record), then the custom table, then the ledger is marked
 * `ingested`. A run that stopped in between leaves `pending` records; a later run asks the custom table whether
 * they arrived before sending them again. Whatever fails is reported and the result is not `complete`.
 */
export async function deliverRecords(
  records: readonly EnrichmentRecord[],
  deps: DeliveryDeps,
): Promise<DeliveryResult> {
  const byId = new Map(records.map((record) => [record.RecordId, record]));
  const states = await deps.ledger.lookup([...byId.keys()]);
  const now = deps.now();

  const unknown = records.filter((record) => !states.has(record.RecordId));
  const claimed = await deps.ledger.claim(unknown, now);
  const toUpload = unknown.filter((record) => claimed.has(record.RecordId));
  let inFlightElsewhere = unknown.length - toUpload.length;

  let alreadyIngested = 0;
  const stale: EnrichmentRecord[] = [];
  for (const [id, state] of states) {
    if (state.state === "ingested") alreadyIngested += 1;
    else if (now - state.since >= deps.settleMs) stale.push(byId.get(id)!);
    else inFlightElsewhere += 1;
  }
  const arrived = await findIngested(stale, deps);
  alreadyIngested += arrived.length;
  toUpload.push(...stale.filter((record) => !arrived.includes(record)));

  const { failed } = await deps.ingestion.upload(toUpload);
  const failedIds = new Set(failed.flatMap((failure) => failure.recordIds));
  const uploaded = toUpload.filter((record) => !failedIds.has(record.RecordId));
  await deps.ledger.markIngested([...uploaded, ...arrived], deps.now());

  return {
    records: records.length,
    alreadyIngested,
    uploaded: uploaded.length,
    failed,
    inFlightElsewhere,
    complete: failed.length === 0 && inFlightElsewhere === 0,
  };
}

async function findIngested(
  records: readonly EnrichmentRecord[],
  deps: DeliveryDeps,
): Promise<EnrichmentRecord[]> {
  const found = new Set<string>();
  for (let start = 0; start < records.length; start += IDS_PER_QUERY) {
    const batch = records.slice(start, start + IDS_PER_QUERY);
    const rows = await deps.workspace.query(
      buildIngestedIdsQuery(
        deps.customTable,
        batch.map((record) => record.RecordId),
      ),
      {
        name: "ingested records",
        // The custom table's TimeGenerated is the record's first request.
        timespan: { start: Math.min(...batch.map((r) => r.TimeGenerated)), end: deps.now() + 60_000 },
        serverTimeoutSeconds: 60,
        clientTimeoutMs: 90_000,
      },
    );
    for (const row of rows) found.add(String(row.RecordId));
  }
  return records.filter((record) => found.has(record.RecordId));
}
