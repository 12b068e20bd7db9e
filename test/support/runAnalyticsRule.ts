import { parseDuration } from "../../lib/job/config/parseDuration.js";
import { createFakeWorkspace, type SecurityAlertRow } from "../../tools/doubles/fakeWorkspace.js";
import type { ReceivedRow } from "../../tools/doubles/startIngestionServer.js";
import { RULE_TEMPLATE } from "../infra/infraFiles.js";

interface RuleProperties {
  readonly displayName: string;
  readonly customDetails: Readonly<Record<string, string>>;
  readonly query: string;
  readonly queryFrequency: string;
  readonly queryPeriod: string;
  readonly alertDetailsOverride: { readonly alertDisplayNameFormat: string };
}

/** The analytics rule of `infra/analyticsRule.json`: its exact query text and schedule. */
export const RULE = RULE_TEMPLATE.resources?.[0]?.properties as unknown as RuleProperties;

/**
 * Runs the analytics rule's exact query text as Sentinel schedules it, every `queryFrequency` with a look-back of
 * `queryPeriod`, over a custom table that received `received` (rows queryable `latencyMs` after receipt), from the
 * slot before the first receipt up to `until`, and counts the alerts raised per RecordId (the rule raises one alert
 * per result row; each is written to SecurityAlert, as Sentinel does, for later executions to read). Executions are
 * on the frequency's grid; {@link executeRule} runs them at any times. `query` replaces the rule's text, to show what
 * another text would do.
 */
export function alertsRaised(
  received: readonly ReceivedRow[],
  latencyMs: number,
  until: number,
  query: string = RULE.query,
): Map<string, number> {
  const frequency = parseDuration(RULE.queryFrequency) ?? Number.NaN;
  if (received.length === 0) return new Map();
  const executions: number[] = [];
  const first = Math.min(...received.map((entry) => entry.receivedAt));
  for (let at = Math.floor(first / frequency) * frequency; at <= until; at += frequency) executions.push(at);
  return executeRule(received, executions, { latencyMs, query });
}

export interface RuleExecutionOptions {
  /** How long after the ingestion API received a row it is queryable (and its ingestion_time()). */
  latencyMs?: number;
  /** How long after its ingestion_time() a row can be queried (Kusto stamps a row before it is visible). */
  queryableAfterMs?: number;
  /** How long after an execution its alerts are in SecurityAlert (Sentinel writes them there). */
  alertLatencyMs?: number;
  query?: string;
}

// Sentinel's limits on what an execution raises: custom details at most 2 KB together (the ones past it are
// dropped, in the rule's order), and at most 150 alerts an execution (past 150 results, 149 alerts of their own and
// one that summarises the rest).
const CUSTOM_DETAILS_BYTES = 2048;
const ALERTS_PER_EXECUTION = 150;

/**
 * Runs the rule's query at each of `executions` (epoch ms, in order) over the rows the custom table can show then,
 * and counts the alerts raised per RecordId. Each alert becomes a SecurityAlert row `alertLatencyMs` later, shaped
 * as Sentinel writes a scheduled rule's alert: ProviderName "ASI Scheduled Alerts", the rule's alert name, and the
 * custom details as JSON inside ExtendedProperties, within Sentinel's limits on custom details and alerts.
 */
export function executeRule(
  received: readonly ReceivedRow[],
  executions: readonly number[],
  {
    latencyMs = 0,
    queryableAfterMs = 0,
    alertLatencyMs = 2 * 60_000,
    query = RULE.query,
  }: RuleExecutionOptions = {},
): Map<string, number> {
  const period = parseDuration(RULE.queryPeriod) ?? Number.NaN;
  const counts = new Map<string, number>();
  const raised: SecurityAlertRow[] = [];
  for (const at of executions) {
    const workspace = createFakeWorkspace({
      alerts: raised,
      iis: [],
      customTable: () => received.filter((entry) => entry.receivedAt + latencyMs + queryableAfterMs <= at),
      ingestionLatencyMs: latencyMs,
      now: () => at,
    });
    const timespan = `${new Date(at - period).toISOString()}/${new Date(at).toISOString()}`;
    const answer = workspace({ query, timespan });
    const results = answer.rows.map((values) =>
      Object.fromEntries(answer.columns.map((column, i) => [column.name, values[i]])),
    );
    const own = results.length > ALERTS_PER_EXECUTION ? results.slice(0, ALERTS_PER_EXECUTION - 1) : results;
    for (const result of own) {
      const id = String(result.RecordId);
      counts.set(id, (counts.get(id) ?? 0) + 1);
      raised.push(sentinelAlert(result, at + alertLatencyMs));
    }
    if (results.length > ALERTS_PER_EXECUTION) {
      // The summary alert names no single record.
      raised.push({
        ...sentinelAlert({}, at + alertLatencyMs),
        AlertName: RULE.displayName,
        ExtendedProperties: "{}",
      });
    }
  }
  return counts;
}

/** A scheduled rule's alert for one result row as Sentinel writes it to SecurityAlert (what the rule reads back). */
function sentinelAlert(result: Record<string, unknown>, at: number): SecurityAlertRow {
  return {
    TimeGenerated: new Date(at).toISOString(),
    SystemAlertId: `sentinel-${String(result.RecordId)}-${at}`,
    AlertName: RULE.alertDetailsOverride.alertDisplayNameFormat.replace(
      "{{HostName}}",
      String(result.HostName),
    ),
    ProviderName: "ASI Scheduled Alerts",
    ProductName: "Azure Sentinel",
    ExtendedProperties: JSON.stringify({
      "Analytic Rule Name": RULE.displayName,
      "Custom Details": JSON.stringify(customDetailsOf(result)),
    }),
  };
}

/** The custom details Sentinel keeps for a result row: in the rule's order, each while they stay within 2 KB. */
export function customDetailsOf(result: Record<string, unknown>): Record<string, string[]> {
  const kept: Record<string, string[]> = {};
  for (const [key, column] of Object.entries(RULE.customDetails)) {
    const value = result[column];
    const candidate = { ...kept, [key]: [typeof value === "string" ? value : JSON.stringify(value ?? "")] };
    if (JSON.stringify(candidate).length > CUSTOM_DETAILS_BYTES) break;
    kept[key] = candidate[key]!;
  }
  return kept;
}

/**
 * A copy of record `recordId` as the custom table received it at `receivedAt` (the `n`th, for its `_ItemId`): a
 * finding on web01 an hour earlier, enriched a minute before, with `columns` on top.
 */
export function receivedCopy(
  recordId: string,
  receivedAt: number,
  n: number,
  columns: Record<string, unknown> = {},
): ReceivedRow {
  const minute = 60_000;
  return {
    row: {
      TimeGenerated: new Date(receivedAt - 60 * minute).toISOString(),
      RecordId: recordId,
      MatchMode: "precise",
      EnrichedAt: new Date(receivedAt - minute).toISOString(),
      HostName: "web01",
      ShellLocation: "/uploads/help.aspx",
      ProcessCommandLine: "whoami",
      AttackerUserAgents: ["python-requests/2.31.0"],
      ...columns,
    },
    receivedAt,
    itemId: `00000000-0000-4000-9000-${n.toString(16).padStart(12, "0")}`,
  };
}
