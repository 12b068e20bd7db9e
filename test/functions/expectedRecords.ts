import { Diagnostics } from "../../lib/core/Diagnostics.js";
import {
  DEFAULT_ENGINE_OPTIONS,
  type MatchMode,
  type TimeRange,
} from "../../lib/core/model/EngineOptions.js";
import { toJsonRecord } from "../../lib/core/records/toJsonRecord.js";
import { runOffline } from "../../lib/job/runOffline.js";

const FIXTURES = "test/fixtures/cli";

/** What the command line finds on the CLI fixtures (or a copy in `dir`), as JSON records without the run stamp. */
export async function cliRecords(mode: MatchMode = "precise", range?: TimeRange, dir = FIXTURES) {
  const { records } = await runOffline(
    { alerts: [`${dir}/alerts.jsonl`], iis: [{ path: `${dir}/iis` }], range },
    { ...DEFAULT_ENGINE_OPTIONS, mode },
    new Diagnostics(),
    () => 0,
  );
  return [...records].map(withoutStamp);
}

/** A JSON record without `EnrichedAt`, which differs between runs by design. */
export function withoutStamp(record: Parameters<typeof toJsonRecord>[0] | Record<string, unknown>) {
  const json =
    "RecordId" in record && typeof record.EnrichedAt === "number" ? toJsonRecord(record as never) : record;
  const { EnrichedAt: _, ...rest } = json as Record<string, unknown>;
  return rest;
}

export const ids = (rows: readonly Record<string, unknown>[]) =>
  rows.map((row) => String(row.RecordId)).sort();
