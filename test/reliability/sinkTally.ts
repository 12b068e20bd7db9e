import { expect } from "vitest";

import type { AzureHarness } from "../functions/azureHarness.js";
import { ids } from "../functions/expectedRecords.js";

/** What both sinks hold against the expected record ids. */
export interface SinkTally {
  expected: number;
  /** Expected ids missing from the custom table or from Table Storage (or not marked ingested there). */
  lost: number;
  /** Extra rows: a second copy of an id in the custom table, or ids nobody expected in either sink. */
  duplicated: number;
}

/** Counts lost and duplicated records in both sinks of `harness`. */
export async function tallySinks(harness: AzureHarness, expected: readonly string[]): Promise<SinkTally> {
  const ingested = ids(harness.ingestedRows());
  const table = await harness.tableRecords();
  const stored = new Set(
    table.filter((row) => row.LedgerState === "ingested").map((row) => String(row.RecordId)),
  );
  const want = new Set(expected);
  const ingestedOnce = new Set(ingested);
  const lost = expected.filter((id) => !ingestedOnce.has(id) || !stored.has(id)).length;
  const extra =
    ingested.length -
    ingestedOnce.size +
    [...ingestedOnce].filter((id) => !want.has(id)).length +
    table.filter((row) => !want.has(String(row.RecordId))).length;
  return { expected: expected.length, lost, duplicated: extra };
}

/** Both sinks hold exactly the expected records, once each, and Table Storage marks every one ingested. */
export async function expectExactlyOnce(
  harness: AzureHarness,
  expected: readonly string[],
): Promise<SinkTally> {
  expect(ids(harness.ingestedRows())).toEqual([...expected].sort());
  const table = await harness.tableRecords();
  expect(ids(table)).toEqual([...expected].sort());
  expect(table.filter((row) => row.LedgerState !== "ingested").map((row) => row.RecordId)).toEqual([]);
  const tally = await tallySinks(harness, expected);
  expect(tally).toEqual({ expected: expected.length, lost: 0, duplicated: 0 });
  return tally;
}
