import { describe, expect, it } from "vitest";

import { createFakeWorkspace, type SecurityAlertRow } from "../../tools/doubles/fakeWorkspace.js";
import type { ReceivedRow } from "../../tools/doubles/startIngestionServer.js";
import { RULE_TEMPLATE } from "../infra/infraFiles.js";
import { executeRule, RULE } from "../support/runAnalyticsRule.js";

// Review 2: the analytics rule reads its own earlier alerts back from SecurityAlert by the `RecordId` custom
// detail. The repository's executor (test/support/runAnalyticsRule.ts) always writes every custom detail and one
// alert per result row. Sentinel documents two limits it does not model:
//
// - custom details: at most 20 per alert and 2 KB together; details past the limit are dropped (Microsoft Sentinel
//   blog "Alert Enrichment – Custom Details and Entity Mapping"). The rule's customDetails put RecordId last, after
//   ShellLocation, CommandLine and UserAgents: a web shell's command line (an encoded PowerShell command) is often
//   longer than 2 KB on its own.
// - AlertPerResult: at most 150 alerts per execution; past 150 results the first 149 each raise an alert and the
//   150th summarizes the rest (docs page "Create custom analytics rules", event grouping).
//
// `executeSentinel` below is executeRule with those two limits; everything else (query text, fake workspace,
// SecurityAlert row shape, 2 minutes to SecurityAlert) is the same.

const MINUTE = 60_000;
const T = Date.parse("2026-11-22T00:00:00Z");
const CUSTOM_DETAILS_LIMIT = 2048;
const ALERTS_PER_EXECUTION = 150;

interface ScheduledProps {
  customDetails: Record<string, string>;
  queryPeriod: string;
}
const PROPS = RULE_TEMPLATE.resources?.[0]?.properties as unknown as ScheduledProps;

function row(recordId: string, receivedAt: number, n: number, commandLine = "whoami"): ReceivedRow {
  return {
    row: {
      TimeGenerated: new Date(receivedAt - 60 * MINUTE).toISOString(),
      RecordId: recordId,
      MatchMode: "precise",
      EnrichedAt: new Date(receivedAt - MINUTE).toISOString(),
      HostName: "web01",
      ShellLocation: "/uploads/help.aspx",
      ProcessCommandLine: commandLine,
      AttackerUserAgents: ["python-requests/2.31.0"],
    },
    receivedAt,
    itemId: `00000000-0000-4000-9000-${n.toString(16).padStart(12, "0")}`,
  };
}

// A result cell as Sentinel puts it in a custom detail: text as is, anything else as JSON.
const cellText = (value: unknown): string =>
  typeof value === "string" ? value : JSON.stringify(value ?? "");

/** The custom details Sentinel keeps: in the rule's order, each while the JSON stays within 2 KB. */
function customDetailsOf(result: Record<string, unknown>): Record<string, string[]> {
  const kept: Record<string, string[]> = {};
  for (const [key, column] of Object.entries(PROPS.customDetails)) {
    const candidate = { ...kept, [key]: [cellText(result[column])] };
    // Past the limit the remaining details are dropped ("additional details will be dropped when exceeding").
    if (JSON.stringify(candidate).length > CUSTOM_DETAILS_LIMIT) break;
    kept[key] = candidate[key]!;
  }
  return kept;
}

/** executeRule with Sentinel's documented limits on custom details and alerts per execution. */
function executeSentinel(
  received: readonly ReceivedRow[],
  executions: readonly number[],
): Map<string, number> {
  const counts = new Map<string, number>();
  const raised: SecurityAlertRow[] = [];
  const period = 14 * 86_400_000;
  expect(PROPS.queryPeriod).toBe("P14D");
  for (const at of executions) {
    const workspace = createFakeWorkspace({
      alerts: raised,
      iis: [],
      customTable: () => received.filter((entry) => entry.receivedAt <= at),
      now: () => at,
    });
    const answer = workspace({
      query: RULE.query,
      timespan: `${new Date(at - period).toISOString()}/${new Date(at).toISOString()}`,
    });
    const results = answer.rows.map((values) =>
      Object.fromEntries(answer.columns.map((column, i) => [column.name, values[i]])),
    );
    const individual = results.length > ALERTS_PER_EXECUTION ? results.slice(0, 149) : results;
    for (const result of individual) {
      const id = String(result.RecordId);
      counts.set(id, (counts.get(id) ?? 0) + 1);
      raised.push({
        TimeGenerated: new Date(at + 2 * MINUTE).toISOString(),
        SystemAlertId: `sentinel-${id}-${at}`,
        AlertName: `Web shell command on ${String(result.HostName)}`,
        ProviderName: "ASI Scheduled Alerts",
        ProductName: "Azure Sentinel",
        ExtendedProperties: JSON.stringify({
          "Analytic Rule Name": RULE.displayName,
          "Custom Details": JSON.stringify(customDetailsOf(result)),
        }),
      });
    }
    if (results.length > ALERTS_PER_EXECUTION) {
      // The 150th alert summarizes the whole result set; it names no single record (and even if it held the first
      // row's custom details, the rule reads RecordId[0] only).
      raised.push({
        TimeGenerated: new Date(at + 2 * MINUTE).toISOString(),
        SystemAlertId: `sentinel-summary-${at}`,
        AlertName: RULE.displayName,
        ProviderName: "ASI Scheduled Alerts",
        ProductName: "Azure Sentinel",
        ExtendedProperties: JSON.stringify({ "Analytic Rule Name": RULE.displayName }),
      });
    }
  }
  return counts;
}

const grid = (from: number, count: number) => Array.from({ length: count }, (_, k) => from + k * 15 * MINUTE);

describe("review 2: the analytics rule against Sentinel's documented limits", () => {
  it("sanity: with short custom details and few results the model agrees with executeRule (one alert a record)", () => {
    const received = Array.from({ length: 10 }, (_, n) => row(`r${n}`, T + 3 * MINUTE + n * 1000, n));
    const executions = grid(T + 15 * MINUTE, 6);
    expect(executeSentinel(received, executions)).toEqual(executeRule(received, executions));
    expect([...executeSentinel(received, executions).values()]).toEqual(received.map(() => 1));
  });

  // Expected: one alert for the record. Actual: the RecordId custom detail (last of four) does not fit in 2 KB
  // after a 2,100-character command line, so the `alerted` set never names the record, and every execution whose
  // slice (ago(1h), ago(5m)] holds its FirstIngested raises it again: 4 alerts (4 incidents' worth of alerts for one
  // command, the longest commands being the most suspicious ones). The repository's executor writes all details
  // regardless of size, so test/reliability/ruleSchedule.test.ts cannot see this.
  it.fails("a record whose command line is over 2 KB is alerted once", () => {
    const encoded = `powershell.exe -NoP -W Hidden -Enc ${"SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA".repeat(55)}`;
    expect(encoded.length).toBeGreaterThan(2048);
    const received = [row("long", T + 3 * MINUTE, 1, encoded)];
    const counts = executeSentinel(received, grid(T + 15 * MINUTE, 6));
    expect(counts.get("long")).toBe(1);
  });

  // Expected: every record alerted once. Actual: a burst of 700 findings first ingested within 10 minutes (one
  // attacker driving a web shell with a script; a mass exploitation) is eligible in the executions of one hour
  // only; each raises at most 149 individual alerts, so 4 executions raise 596 and the remaining 104 get no alert
  // of their own (only summary alerts that name no record), and no later execution raises them.
  it.fails("a burst of 700 findings: each is alerted individually", () => {
    const received = Array.from({ length: 700 }, (_, n) => row(`b${n}`, T + 2 * MINUTE + n * 800, n));
    const counts = executeSentinel(received, grid(T + 15 * MINUTE, 8));
    const missed = received.filter((entry) => !counts.has(String(entry.row.RecordId))).length;
    expect(missed).toBe(0);
  });

  it("a burst of 300 findings: spread over the hour's executions, each alerted once (the slice absorbs the cap)", () => {
    const received = Array.from({ length: 300 }, (_, n) => row(`c${n}`, T + 2 * MINUTE + n * 1000, n));
    const counts = executeSentinel(received, grid(T + 15 * MINUTE, 8));
    expect(received.filter((entry) => counts.get(String(entry.row.RecordId)) !== 1)).toEqual([]);
  });
});
