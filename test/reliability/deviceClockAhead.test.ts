import { afterEach, describe, expect, it } from "vitest";

import { type AzureHarness, loadCliFixtureWorkspace, startAzureHarness } from "../functions/azureHarness.js";
import { ids } from "../functions/expectedRecords.js";
import { cliFixtureRecordsWithProcesses, processFixtureRows } from "../support/processFixtureRows.js";

// Clock skew on the data's side. DeviceProcessEvents' TimeGenerated is the device's clock. The job reads the rows
// that *arrived* in its window, and the request's `timespan` (which Log Analytics applies to TimeGenerated) must not
// cut them: a device whose clock runs ahead stamps rows later than they arrive, so a timespan ending at the window's
// end would hide them from the one window that reads their arrival (docs/design.md §6.2).

const MINUTE = 60_000;
const SOURCES = { ENRICH_PROCESS_SOURCES: "alerts,deviceprocessevents" };

let harness: AzureHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function runWithDeviceClockAhead(aheadMs: number) {
  const arrived = Date.parse("2026-11-21T23:50:00Z"); // ten minutes before the harness's first run
  const processes = (await processFixtureRows({ _ingestionTime: new Date(arrived).toISOString() })).map(
    (row) => ({ ...row, TimeGenerated: new Date(arrived + aheadMs).toISOString() }),
  );
  const expected = ids(
    (await cliFixtureRecordsWithProcesses()).map((record) => ({ RecordId: record.RecordId })),
  );
  const h = await startAzureHarness({ ...(await loadCliFixtureWorkspace()), processes }, SOURCES);
  harness = h;
  for (let run = 0; run < 8; run += 1) {
    await h.timer();
    h.clock.now += 15 * MINUTE;
  }
  return { h, expected };
}

describe("DeviceProcessEvents from a device whose clock runs ahead", () => {
  it("a device 10 minutes ahead: a later run within the overlap reads its rows", async () => {
    const { h, expected } = await runWithDeviceClockAhead(10 * MINUTE);
    expect([...new Set(ids(h.ingestedRows()))]).toEqual(expected);
  }, 60_000);

  // The device's rows (TimeGenerated an hour after their arrival) are read by the window they arrived in: its
  // timespan reaches a day past its end, as far as Log Analytics keeps a TimeGenerated ahead of arrival.
  it("a device an hour ahead: the window its rows arrived in reads them", async () => {
    const { h, expected } = await runWithDeviceClockAhead(60 * MINUTE);
    expect(expected).toHaveLength(7);
    expect([...new Set(ids(h.ingestedRows()))]).toEqual(expected);
  }, 60_000);
});
