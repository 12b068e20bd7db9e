import { afterEach, describe, expect, it } from "vitest";

import type { W3CIISLogRow } from "../../tools/doubles/fakeWorkspace.js";
import { type AzureHarness, startAzureHarness } from "../functions/azureHarness.js";
import { cliRecords } from "../functions/expectedRecords.js";
import { buildFaultData } from "./buildFaultData.js";
import { tallySinks } from "./sinkTally.js";

// The watermark is defined by the alerts' ingestion time only (docs/design.md §6.2). W3CIISLog rows come from
// the Azure Monitor Agent on each web server and reach the workspace minutes late, sometimes much later (agent
// restarts, a backlog after a network outage), independently of the SecurityAlert rows. Here each IIS row becomes
// queryable only `lateness` after its TimeGenerated, and the timer runs every 15 minutes from the moment the alerts
// are in. An alert is read again while its ingestion time is within ENRICH_OVERLAP (30 min) of the watermark, and
// once more ENRICH_SECOND_LOOK (2 h) later.

const MINUTE = 60_000;
// The fixture's alerts arrive hours after their processes; here each arrives 10 minutes after its first process
// (Defender's usual alert latency): 10:15:20 (as is), 10:25:30 and 11:12:05. The timer runs every 15 minutes from
// the first slot before them.
const ALERT_LATENCY = 10 * MINUTE;
const FIRST_RUN = Date.parse("2026-11-20T10:15:00Z");
const RUNS = 16; // four hours of the timer

let harness: AzureHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function runWithLateIis(
  latenessMs: number | ((row: W3CIISLogRow) => number),
  settings: Record<string, string> = {},
) {
  const lateness = typeof latenessMs === "number" ? () => latenessMs : latenessMs;
  const fixture = await buildFaultData();
  const all = [...fixture.data.iis];
  const iis: W3CIISLogRow[] = [];
  const alerts = fixture.data.alerts.map((alert) =>
    alert.StartTime === undefined
      ? alert
      : {
          ...alert,
          TimeGenerated: new Date(
            Math.min(Date.parse(alert.TimeGenerated), Date.parse(alert.StartTime) + ALERT_LATENCY),
          ).toISOString(),
        },
  );
  const h = await startAzureHarness({ alerts, iis }, settings);
  harness = h;
  // What the workspace can show at `now`: rows whose TimeGenerated + lateness has passed.
  const reveal = (now: number) => {
    iis.length = 0;
    iis.push(...all.filter((row) => Date.parse(row.TimeGenerated) + lateness(row) <= now));
  };
  h.clock.now = FIRST_RUN;
  for (let run = 0; run < RUNS; run += 1) {
    reveal(h.clock.now);
    await h.timer();
    h.clock.now += 15 * MINUTE;
  }
  expect(iis).toHaveLength(all.length); // every IIS row arrived before the last run
  return { h, tally: await tallySinks(h, fixture.expected) };
}

describe("W3CIISLog rows that reach the workspace after their alert", () => {
  it("IIS rows 20 minutes late: a later run within ENRICH_OVERLAP reads the alert again and delivers every record", async () => {
    const { tally } = await runWithLateIis(20 * MINUTE);
    expect(tally).toMatchObject({ lost: 0, extraRows: 0, duplicateAlerts: 0, missedAlerts: 0 });
  }, 120_000);

  // An hour's backlog: the alerts were read, and read again within the overlap, while their requests were not yet
  // queryable, so no record came out and nothing was left pending. The second look reads each window once more two
  // hours on, when the requests are there.
  it("IIS rows 60 minutes late: the second look finds the records of alerts read before their requests arrived", async () => {
    const { h, tally } = await runWithLateIis(60 * MINUTE, { ENRICH_SECOND_LOOK: "PT2H" });
    expect(tally).toMatchObject({ lost: 0, extraRows: 0, duplicateAlerts: 0, missedAlerts: 0 });
    expect(h.logs.join("\n")).toMatch(
      /second look: 1 window\(s\), [1-9]\d* record\(s\) correlated, [1-9]\d* written/,
    );
  }, 120_000);

  it("IIS rows 60 minutes late, without the second look: the records are not found (what PT0S gives up)", async () => {
    const { tally } = await runWithLateIis(60 * MINUTE, { ENRICH_SECOND_LOOK: "PT0S" });
    expect(tally.lost).toBeGreaterThan(0);
    expect(tally).toMatchObject({ extraRows: 0, duplicateAlerts: 0 });
  }, 120_000);

  // The web shell's second request (10:15:45, `cmd=whoami`, user agent python-requests) reaches the workspace 20
  // minutes late, within ENRICH_OVERLAP. The run at 10:30 reads the alert ingested at 10:15:20, makes its record from
  // the first request alone and delivers it; the run at 10:45 reads that alert again and makes the complete record
  // (same RecordId: the id does not depend on the requests), which knows more than the delivered copy: it is sent
  // once more (docs/design.md §6.5), and the latest copy of each record is what the command line finds on the
  // complete data.
  it("one request 20 minutes late: the records delivered before it arrived are completed by a later run", async () => {
    const late = Date.parse("2026-11-20T10:15:45Z");
    const { h, tally } = await runWithLateIis((row) =>
      Date.parse(row.TimeGenerated) === late ? 20 * MINUTE : 0,
    );
    const summary = (row: Record<string, unknown>) => ({
      RecordId: row.RecordId,
      RequestCount: Number(row.RequestCount),
      LastRequestTime: new Date(String(row.LastRequestTime)).toISOString(),
    });
    const byId = (a: { RecordId: unknown }, b: { RecordId: unknown }) =>
      String(a.RecordId).localeCompare(String(b.RecordId));
    const want = (await cliRecords()).map(summary).sort(byId);
    expect(want.every((record) => record.RequestCount === 2)).toBe(true);
    // One more copy of each record delivered before its second request arrived, and one alert per record.
    const first = h.ingestedRows().filter((row) => Number(row.RequestCount) === 1);
    expect(first.length).toBeGreaterThan(0);
    expect(tally).toMatchObject({ lost: 0, extraRows: first.length, duplicateAlerts: 0, missedAlerts: 0 });
    const latest = new Map<string, Record<string, unknown>>();
    for (const row of h.ingestedRows()) {
      const kept = latest.get(String(row.RecordId));
      if (kept === undefined || String(row.EnrichedAt) > String(kept.EnrichedAt))
        latest.set(String(row.RecordId), row);
    }
    expect([...latest.values()].map(summary).sort(byId)).toEqual(want);
    expect((await h.tableRecords()).map(summary).sort(byId)).toEqual(want);
  }, 120_000);
});
