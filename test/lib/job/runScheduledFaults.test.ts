import { describe, expect, it } from "vitest";

import { MatchLimitError, QueryError } from "../../../lib/core/errors.js";
import type { EnrichmentRecord } from "../../../lib/core/records/EnrichmentRecord.js";
import { mergeCopies } from "../../../lib/core/records/mergeCopies.js";
import { parseConfig } from "../../../lib/job/config/parseConfig.js";
import { deliverRecords } from "../../../lib/job/deliverRecords.js";
import type { JobDeps, WorkspaceQuery } from "../../../lib/job/ports.js";
import { runScheduled, type ScheduledRunReport } from "../../../lib/job/runScheduled.js";
import { DEPLOY_TEMPLATE } from "../../infra/infraFiles.js";
import { correlate, mdeAlert, request } from "../../support/timeline.js";
import { MemoryCheckpoints, memoryDelivery, MemoryIngestion, MemoryLedger } from "./memoryAdapters.js";

// The second look's budget, the sweep's ledger calls and the sweep's recheck against the deadline and
// MatchLimitError, and what a revision keeps.

const BASE = {
  LOG_ANALYTICS_WORKSPACE_ID: "3f0c5a1e-8b2d-4c7e-9a6f-1d2e3b4c5a6f",
  LOGS_INGESTION_ENDPOINT: "https://dce.example.ingest.monitor.azure.com",
  LOGS_INGESTION_RULE_ID: "dcr-0123456789abcdef0123456789abcdef",
  ENRICHMENT_TABLE_CONNECTION: "UseDevelopmentStorage=true",
};
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const START = Date.parse("2026-11-21T00:00:00Z");

/**
 * A workspace without data whose every query takes `costMs` of the run's clock; a query given less time than that
 * is abandoned at its client timeout, with the error LogAnalyticsWorkspace gives then (a QueryError, "timeout").
 */
function slowEmptyWorkspace(clock: { now: number }, costMs: number): WorkspaceQuery {
  return {
    query(_kql, options) {
      if (costMs > options.clientTimeoutMs) {
        clock.now += options.clientTimeoutMs;
        return Promise.reject(
          new QueryError(
            `The ${options.name} query failed: The operation was aborted`,
            options.name,
            "timeout",
          ),
        );
      }
      clock.now += costMs;
      return Promise.resolve([]);
    },
  };
}

function jobDeps(
  clock: { now: number },
  settings: Record<string, string>,
  workspace: WorkspaceQuery,
  checkpoints = new MemoryCheckpoints(),
  ledger = new MemoryLedger(),
) {
  const lines: string[] = [];
  const reports: ScheduledRunReport[] = [];
  const value: JobDeps = {
    config: parseConfig({ ...BASE, ...settings }),
    workspace,
    ledger,
    ingestion: new MemoryIngestion(),
    checkpoints,
    now: () => clock.now,
    log: { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) },
    reportRun: (report) => reports.push(report),
  };
  return { value, lines, reports, checkpoints, ledger };
}

describe("the second look's share of the budget", () => {
  // Steady state with the shipped defaults (8-minute budget, 2-hour second look), the timer every 15 minutes, both
  // watermarks current, and a busy workspace: a window's query takes 4.5 minutes, so a run has time for one window
  // only. A pass does not start a window with less time left than the longest window of the run (either pass's), and
  // a query abandoned at the client timeout its deadline gave it stops the run as a spent budget does. The pass
  // further behind its end goes first, so neither starves: both advance, at the one window a run the load allows.
  it("a busy workspace: the runs succeed, and the first pass and the second look share the windows", async () => {
    const clock = { now: START + 10 * HOUR };
    const checkpoints = new MemoryCheckpoints();
    const firstStart = clock.now - 15 * MINUTE - 5 * MINUTE;
    await checkpoints.write("timer-precise", firstStart, undefined);
    const secondLookStart = clock.now - 2 * HOUR - 15 * MINUTE - 5 * MINUTE;
    await checkpoints.write("timer-precise-second-look", secondLookStart, undefined);
    const outcomes: string[] = [];
    for (let run = 0; run < 12; run += 1) {
      const { value, reports } = jobDeps(clock, {}, slowEmptyWorkspace(clock, 270_000), checkpoints);
      const started = clock.now;
      await runScheduled(value);
      outcomes.push(reports[0]?.outcome ?? "none");
      clock.now = started + 15 * MINUTE;
    }
    expect(outcomes).toEqual(outcomes.map(() => "succeeded"));
    const firstMoved = (await checkpoints.read("timer-precise"))!.value - firstStart;
    const secondMoved = (await checkpoints.read("timer-precise-second-look"))!.value - secondLookStart;
    expect(firstMoved + secondMoved).toBeGreaterThanOrEqual(11 * 15 * MINUTE);
    expect(Math.abs(firstMoved - secondMoved)).toBeLessThanOrEqual(2 * 15 * MINUTE);
  });

  it("the second look alone under the same load: it keeps up (the failure above is the budget split, not the load)", async () => {
    const clock = { now: START + 10 * HOUR };
    const checkpoints = new MemoryCheckpoints();
    await checkpoints.write("timer-precise-second-look", clock.now - 2 * HOUR - 20 * MINUTE, undefined);
    await checkpoints.write("timer-precise", clock.now - 20 * MINUTE, undefined);
    const { value, reports } = jobDeps(clock, {}, slowEmptyWorkspace(clock, 150_000), checkpoints);
    await runScheduled(value);
    expect(reports[0]).toMatchObject({ outcome: "succeeded", windows: 1, secondLook: { windows: 1 } });
  });

  // A second look that stopped advancing (budget starvation) must raise the watermark-lag alert too.
  it("a health alert reads the second look's watermark", () => {
    const alerts = DEPLOY_TEMPLATE.variables?.["healthAlerts"] as readonly { name: string; query: string }[];
    const lag = alerts.find((alert) => alert.name === "watermark-lag");
    expect(lag?.query).toContain("Run.secondLook.watermarkAfter");
    expect(lag?.query).toContain("Run.secondLook.rangeTo");
  });

  // The first deployment (no watermark yet, ENRICH_FIRST_RUN_LOOKBACK P1D): the second look has no watermark either
  // and starts where the first pass did, so a run that covers the day reads it twice at once (nothing is sent
  // twice: the ledger answers "already present"). Documented as cost, not as a broken guarantee.
  it("first deployment: the second look reads the first pass's day again in the same run", async () => {
    const clock = { now: START + 10 * HOUR };
    const { value, reports } = jobDeps(
      clock,
      { ENRICH_TIME_BUDGET: "PT8M" },
      slowEmptyWorkspace(clock, 1000),
    );
    await runScheduled(value);
    const report = reports[0]!;
    expect(report.windows).toBe(5); // 24 h 30 min in windows of 6 h
    expect(report.secondLook?.windows).toBe(4); // 22 h 25 min again
    expect(report.secondLook?.watermarkBefore).toBeUndefined();
  });
});

describe("the sweep and the run's deadline", () => {
  // The sweep's ledger calls (listStalePending, takeOver, markAbandoned) share what is left of the budget, like the
  // ledger calls before an upload (docs/design.md §6.6). Here the first pass leaves 2 s and the ledger's partition
  // stops answering (a call that never settles, whatever its signal): the run ends anyway, the sweep stopped.
  it("a Table Storage that stops answering during the sweep: the run still ends within its budget", async () => {
    const clock = { now: START + 10 * HOUR };
    const checkpoints = new MemoryCheckpoints();
    await checkpoints.write("timer-precise", clock.now - 15 * MINUTE, undefined);
    const ledger = new MemoryLedger();
    // Answers nothing unless the caller aborts the call.
    ledger.listStalePending = () => new Promise(() => undefined);
    const { value } = jobDeps(
      clock,
      { ENRICH_SECOND_LOOK: "PT0S", ENRICH_OVERLAP: "PT0S", ENRICH_INGESTION_DELAY: "PT0S" },
      slowEmptyWorkspace(clock, 0),
      checkpoints,
      ledger,
    );
    const query = value.workspace.query.bind(value.workspace);
    value.workspace = {
      query: (kql, options) => {
        clock.now += 8 * MINUTE - 2_000 - 1; // the window takes all but 2 s of the budget
        return query(kql, options);
      },
    };
    const ended = await Promise.race([
      runScheduled(value).then(
        () => "ended",
        () => "ended",
      ),
      new Promise((resolve) => setTimeout(() => resolve("still waiting after 6 s"), 6_000)),
    ]);
    expect(ended).toBe("ended");
  }, 10_000);
});

describe("the sweep's recheck and a window too big to hold", () => {
  // The sweep's recheck reads an orphan's alerts again through the same collectRecords (a span of up to 6 h, read to
  // an hour past it): a span too big to hold is passed over, its orphans sent from the ledger's copy, and the runs
  // succeed.
  it("an orphan whose alerts' span holds a burst: it is sent from the ledger's copy, and later runs succeed", async () => {
    const delivery = memoryDelivery(START + 10 * HOUR);
    const records = correlate("precise", [mdeAlert()], [request("10:15:31")]).records;
    expect(records.length).toBeGreaterThan(0);
    // An on-demand run claimed the records and stopped before the upload: they are pending, long past settling.
    await delivery.ledger.claim(records, START);
    const clock = { now: START + 10 * HOUR };
    const checkpoints = new MemoryCheckpoints();
    await checkpoints.write("timer-precise", clock.now - 15 * MINUTE, undefined);
    const empty = slowEmptyWorkspace(clock, 0);
    const outcomes: string[] = [];
    for (let run = 0; run < 6; run += 1) {
      const { value, reports } = jobDeps(
        clock,
        { ENRICH_SECOND_LOOK: "PT0S", ENRICH_OVERLAP: "PT0S", ENRICH_INGESTION_DELAY: "PT0S" },
        {
          // The first pass's windows are quiet; the recheck of the orphan's alerts (hours before) meets the burst.
          query: (kql, options) =>
            options.name === "alerts" && options.timespan.start < START - 20 * HOUR
              ? Promise.reject(new MatchLimitError("precise: the range gives more than 100000 records"))
              : empty.query(kql, options),
        },
        checkpoints,
        delivery.ledger,
      );
      await runScheduled(value).catch(() => undefined);
      outcomes.push(`${reports[0]?.outcome}: ${reports[0]?.error ?? ""}`);
      clock.now += 15 * MINUTE;
    }
    expect(outcomes.filter((outcome) => outcome.startsWith("failed"))).toEqual([]);
    expect([...delivery.ledger.states.values()].map((state) => state.state)).toEqual(
      records.map(() => "ingested"),
    );
  });
});

/** The record as DeviceProcessEvents alone would give it: no alert. */
const eventsOnlyCopy = (record: EnrichmentRecord): EnrichmentRecord => ({
  ...record,
  SystemAlertId: "",
  AlertName: "",
  AlertTime: null,
  ProcessSource: "DeviceProcessEvents",
});

describe("what a revision keeps", () => {
  // Held: copies that alternate between what the first pass, the overlap, the second look and the sweep can make
  // (the process seen by DeviceProcessEvents only, by its alert only, by both) with the same requests are revised
  // once, when the alert first adds itself, and never flip-flop afterwards.
  it("alternating copies (events only, alert only, both) are sent twice in all, however often they come back", async () => {
    const delivery = memoryDelivery(START);
    const [base] = correlate("precise", [mdeAlert()], [request("10:15:31")]).records as [EnrichmentRecord];
    const eventsOnly = eventsOnlyCopy(base);
    const alertOnly: EnrichmentRecord = { ...base, ProcessSource: "SecurityAlert" };
    const both: EnrichmentRecord = { ...base, ProcessSource: "SecurityAlert,DeviceProcessEvents" };
    const copies = [eventsOnly, alertOnly, eventsOnly, both, alertOnly, eventsOnly, both, alertOnly];
    for (const copy of copies) await deliverRecords([copy], delivery.deps());
    expect(delivery.ingestion.rows).toEqual([base.RecordId, base.RecordId]);
    expect(delivery.ledger.copies.get(base.RecordId)).toMatchObject({
      SystemAlertId: base.SystemAlertId,
      ProcessSource: "SecurityAlert,DeviceProcessEvents",
    });
  });

  // mergeCopies keeps this copy's requests ("a later run reads the same requests and any that arrived since").
  // A copy that adds a source but counts fewer requests than the delivered copy (IIS rows read by one run and not
  // the next: a retention or purge in between, a changed ENRICH_MAX_REQUEST_DURATION) is sent with the fewer
  // requests, and the ledger keeps that; the next copy with the full count is then "knows more" and sent again.
  // Low severity: the ids and sources hold, the latest copy can show fewer requests than one delivered before.
  it("a copy with a new source and fewer requests replaces the delivered copy's request count", async () => {
    const delivery = memoryDelivery(START);
    const [base] = correlate("precise", [mdeAlert()], [request("10:15:31")]).records as [EnrichmentRecord];
    const delivered: EnrichmentRecord = {
      ...base,
      SystemAlertId: "",
      AlertName: "",
      AlertTime: null,
      ProcessSource: "DeviceProcessEvents",
      RequestCount: 3,
    };
    await deliverRecords([delivered], delivery.deps());
    const later: EnrichmentRecord = { ...base, ProcessSource: "SecurityAlert", RequestCount: 2 };
    expect(await deliverRecords([later], delivery.deps())).toMatchObject({ revised: 1 });
    expect(delivery.ledger.copies.get(base.RecordId)?.RequestCount).toBe(2);
    expect(mergeCopies(later, delivered).RequestCount).toBe(2);
    // The full copy again: sent a third time.
    expect(await deliverRecords([{ ...delivered, RequestCount: 3 }], delivery.deps())).toMatchObject({
      revised: 1,
    });
  });
});
