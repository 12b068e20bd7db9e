import { parseDuration } from "../../lib/job/config/parseDuration.js";
import { createFakeWorkspace } from "../../tools/doubles/fakeWorkspace.js";
import type { ReceivedRow } from "../../tools/doubles/startIngestionServer.js";
import { RULE_TEMPLATE } from "../infra/infraFiles.js";

interface RuleProperties {
  readonly query: string;
  readonly queryFrequency: string;
  readonly queryPeriod: string;
}

/** The analytics rule of `infra/analyticsRule.json`: its exact query text and schedule. */
export const RULE = RULE_TEMPLATE.resources?.[0]?.properties as unknown as RuleProperties;

/**
 * Runs the analytics rule's exact query text as Sentinel schedules it, every `queryFrequency` with a look-back of
 * `queryPeriod`, over a custom table that received `received` (rows queryable `latencyMs` after receipt), from the
 * slice holding the first receipt up to `until`, and counts the alerts raised per RecordId (the rule raises one
 * alert per result row). Slice ends are on the frequency's grid, as Sentinel's are on its own. `query` replaces the
 * rule's text, to show what another text would do.
 */
export function alertsRaised(
  received: readonly ReceivedRow[],
  latencyMs: number,
  until: number,
  query: string = RULE.query,
): Map<string, number> {
  const frequency = parseDuration(RULE.queryFrequency) ?? Number.NaN;
  const period = parseDuration(RULE.queryPeriod) ?? Number.NaN;
  const counts = new Map<string, number>();
  if (received.length === 0) return counts;
  // The first slice that can see a row: the one whose end is at or after the first row became queryable.
  const first = Math.min(...received.map((entry) => entry.receivedAt)) + latencyMs;
  for (let end = Math.ceil(first / frequency) * frequency; end <= until; end += frequency) {
    const workspace = createFakeWorkspace({
      alerts: [],
      iis: [],
      customTable: () => received,
      ingestionLatencyMs: latencyMs,
      now: () => end,
    });
    const timespan = `${new Date(end - period).toISOString()}/${new Date(end).toISOString()}`;
    const answer = workspace({ query, timespan });
    const column = answer.columns.findIndex((c) => c.name === "RecordId");
    for (const row of answer.rows) {
      const id = String(row[column]);
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  }
  return counts;
}
