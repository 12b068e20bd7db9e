import { expect } from "vitest";

import type { AzureHarness } from "../functions/azureHarness.js";
import { ids } from "../functions/expectedRecords.js";

/** What both sinks and the analytics rule hold against the expected record ids. */
export interface SinkTally {
  expected: number;
  /** Expected ids missing from the custom table or from Table Storage (or not marked ingested there). */
  lost: number;
  /** Rows of the custom table beyond one per expected id: copies sent again, or ids nobody expected. */
  extraRows: number;
  /** Alerts the analytics rule raised beyond one per expected id (so incidents too). */
  duplicateAlerts: number;
  /** Expected ids the analytics rule raised no alert for. */
  missedAlerts: number;
}

/** Counts lost, extra and alerted records in both sinks of `harness` and in its analytics rule's alerts. */
export async function tallySinks(harness: AzureHarness, expected: readonly string[]): Promise<SinkTally> {
  const ingested = ids(harness.ingestedRows());
  const table = await harness.tableRecords();
  const stored = new Set(
    table.filter((row) => row.LedgerState === "ingested").map((row) => String(row.RecordId)),
  );
  const want = new Set(expected);
  const ingestedOnce = new Set(ingested);
  const alerts = harness.ruleAlerts();
  return {
    expected: expected.length,
    lost: expected.filter((id) => !ingestedOnce.has(id) || !stored.has(id)).length,
    extraRows: ingested.length - [...ingestedOnce].filter((id) => want.has(id)).length,
    duplicateAlerts: [...alerts.values()].reduce((sum, count) => sum + count - 1, 0),
    missedAlerts: expected.filter((id) => !alerts.has(id)).length,
  };
}

/**
 * Both sinks hold every expected record and nothing else, Table Storage marks every one ingested, and the rule
 * raised exactly one alert for each; the custom table holds `extraRows` copies more than one a record (0 unless
 * the case makes the service store a record twice).
 */
export async function expectDelivered(
  harness: AzureHarness,
  expected: readonly string[],
  extraRows = 0,
): Promise<SinkTally> {
  expect([...new Set(ids(harness.ingestedRows()))]).toEqual([...expected].sort());
  const table = await harness.tableRecords();
  expect(ids(table)).toEqual([...expected].sort());
  expect(table.filter((row) => row.LedgerState !== "ingested").map((row) => row.RecordId)).toEqual([]);
  const tally = await tallySinks(harness, expected);
  expect(tally).toEqual({
    expected: expected.length,
    lost: 0,
    extraRows,
    duplicateAlerts: 0,
    missedAlerts: 0,
  });
  return tally;
}

/**
 * Runs the timer of `harness` every 15 minutes until its watermark is at now − 5 minutes (the ingestion delay) and
 * nothing is pending, at most `maxRuns` times, and tallies the sinks then (with the number of runs it took).
 */
export async function catchUp(
  harness: AzureHarness,
  expected: readonly string[],
  maxRuns = 6,
): Promise<SinkTally & { runs: number }> {
  const minute = 60_000;
  let runs = 0;
  const done = async () =>
    (await harness.watermark()) === harness.clock.now - 5 * minute &&
    (await harness.tableRecords()).every((row) => row.LedgerState !== "pending");
  while (!(await done()) && runs < maxRuns) {
    harness.clock.now += 15 * minute;
    await harness.timer().catch(() => undefined);
    runs += 1;
  }
  return { runs, ...(await tallySinks(harness, expected)) };
}
