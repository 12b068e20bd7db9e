import { performance } from "node:perf_hooks";

import { createTableClient } from "../../../lib/adapters/azure/tables/createTableClient.js";
import { TableRecordLedger } from "../../../lib/adapters/azure/tables/TableRecordLedger.js";
import { toLedgerEntity } from "../../../lib/adapters/azure/tables/toLedgerEntity.js";
import { computeRecordId } from "../../../lib/core/records/computeRecordId.js";
import type { EnrichmentRecord } from "../../../lib/core/records/EnrichmentRecord.js";

/** Records per second of each way of writing, measured against the same Azurite in the same run. */
export interface TableThroughput {
  batched: { records: number; claimMs: number; markMs: number };
  single: { records: number; ms: number };
}

const T0 = Date.parse("2026-11-20T10:15:31Z");
const SLICE = 10_000;

/** `count` distinct records of the shape the engine produces, ids spread over all 16 partitions. */
export function makeRecords(count: number, tag: string): EnrichmentRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    TimeGenerated: T0 + i,
    RecordId: computeRecordId([tag, i]),
    MatchMode: "precise",
    SystemAlertId: `load-${i}`,
    AlertName: "Suspicious process launched by a web server",
    AlertTime: T0 + 3_600_000,
    HostName: `web${i % 200}`,
    DnsDomain: "contoso.local",
    Sites: ["W3SVC1"],
    ShellLocation: `/uploads/s${i}.aspx`,
    ShellName: `s${i}.aspx`,
    ShellDirectory: "/uploads/",
    ProcessName: "cmd.exe",
    ProcessCommandLine: `cmd.exe /c "whoami /all & echo ${i}"`,
    ProcessId: String(7000 + (i % 1000)),
    ProcessCreationTime: T0 - 500,
    ParentProcessName: "w3wp.exe",
    ProcessSource: "SecurityAlert",
    AttackerIP: `203.0.113.${i % 250}`,
    AttackerUserAgents: ["python-requests/2.32.3"],
    Attacker: { [`203.0.113.${i % 250}`]: "python-requests/2.32.3" },
    RequestCount: 1,
    FirstRequestTime: T0,
    LastRequestTime: T0,
    PageDistinctIPs: 1,
    Evidence: [
      {
        time: new Date(T0).toISOString(),
        method: "POST",
        uriStem: `/uploads/s${i}.aspx`,
        uriQuery: "cmd=whoami",
        status: "200",
        clientIP: `203.0.113.${i % 250}`,
        forwardedFor: "",
        userAgent: "python-requests/2.32.3",
        site: "W3SVC1",
        timeTakenMs: 15,
      },
    ],
    EnrichedAt: T0 + 7_200_000,
  }));
}

/**
 * Writes `batchedCount` records through the ledger as a run does (claim as `pending`, then mark `ingested`: entity
 * group transactions of up to 100 per partition, 8 partitions at a time) and `singleCount` others one entity at a
 * time with `upsertEntity`, one after another, into the same table.
 */
export async function measureTableThroughput(
  connectionString: string,
  batchedCount: number,
  singleCount: number,
  onProgress?: (line: string) => void,
): Promise<TableThroughput> {
  const client = createTableClient({ connectionString, tableName: "LoadBench" });
  const ledger = new TableRecordLedger(client);
  await ledger.ensureTable();

  // In slices of 10,000, as a run's windows would write them, with progress so a slow store shows as it goes.
  const batched = makeRecords(batchedCount, "batched");
  let claimMs = 0;
  let markMs = 0;
  for (let start = 0; start < batched.length; start += SLICE) {
    const slice = batched.slice(start, start + SLICE);
    let started = performance.now();
    const claimed = await ledger.claim(slice, Date.now());
    const claim = performance.now() - started;
    if (claimed.size !== slice.length)
      throw new Error(`expected ${slice.length} claims, got ${claimed.size}`);
    started = performance.now();
    await ledger.markIngested(slice, Date.now());
    const mark = performance.now() - started;
    claimMs += claim;
    markMs += mark;
    onProgress?.(
      `  ${start + slice.length} records: this slice ${Math.round(slice.length / (claim / 1000))} claims/s, ` +
        `${Math.round(slice.length / (mark / 1000))} marks/s`,
    );
  }

  const single = makeRecords(singleCount, "single");
  const started = performance.now();
  for (const record of single) {
    await client.upsertEntity(toLedgerEntity(record, { state: "ingested", at: Date.now() }), "Replace");
  }
  const ms = performance.now() - started;
  return { batched: { records: batchedCount, claimMs, markMs }, single: { records: singleCount, ms } };
}
