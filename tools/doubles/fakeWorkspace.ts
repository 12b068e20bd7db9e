import type { LogAnalyticsAnswer } from "./encodeLogAnalyticsTable.js";
import { answerAlertQuery, isAlertQuery } from "./fakeWorkspaceAlerts.js";
import { answerIngestedIdsQuery, CUSTOM_TABLE, isIngestedIdsQuery } from "./fakeWorkspaceIngestedIds.js";
import { answerDeviceProcessQuery, isDeviceProcessQuery } from "./fakeWorkspaceProcesses.js";
import { answerRequestQuery, isRequestQuery } from "./fakeWorkspaceRequests.js";
import { answerRuleQuery, isRuleQuery } from "./fakeWorkspaceRule.js";
import { type ReadTable, toAnswer, toFakeTable } from "./fakeWorkspaceTable.js";
import { FakeWorkspaceError, parseTimespan, QueryLines } from "./fakeWorkspaceText.js";
import type { LogAnalyticsQueryRequest } from "./LogAnalyticsQueryRequest.js";
import type { ReceivedRow } from "./startIngestionServer.js";

export { FakeWorkspaceError } from "./fakeWorkspaceText.js";

/**
 * A SecurityAlert row of the data set: the table's columns (times as ISO 8601 UTC strings, `Entities` as the JSON
 * string the table stores), plus `_ingestionTime` for `ingestion_time()` (default `TimeGenerated`).
 */
export interface SecurityAlertRow {
  readonly TimeGenerated: string;
  readonly SystemAlertId: string;
  readonly AlertName?: string;
  readonly ProviderName?: string;
  readonly ProductName?: string;
  readonly StartTime?: string;
  readonly EndTime?: string;
  readonly CompromisedEntity?: string;
  readonly Entities?: string;
  readonly ExtendedProperties?: string;
  readonly _ingestionTime?: string;
}

/** A W3CIISLog row of the data set: column names as `WebRequest`; an absent string is `""`, a number null. */
export interface W3CIISLogRow {
  readonly TimeGenerated: string;
  readonly sSiteName?: string;
  readonly sComputerName?: string;
  readonly Computer?: string;
  readonly _ResourceId?: string;
  readonly sIP?: string;
  readonly sPort?: number;
  readonly csMethod?: string;
  readonly csUriStem?: string;
  readonly csUriQuery?: string;
  readonly csUserName?: string;
  readonly cIP?: string;
  readonly csUserAgent?: string;
  readonly csReferer?: string;
  readonly csHost?: string;
  readonly scStatus?: string;
  readonly scSubStatus?: string;
  readonly scWin32Status?: string;
  readonly scBytes?: number;
  readonly csBytes?: number;
  readonly TimeTaken?: number;
}

/**
 * A DeviceProcessEvents row of the data set: the table's columns (times as ISO 8601 UTC strings, process ids as
 * numbers), plus `_ingestionTime` for `ingestion_time()` (default `TimeGenerated`).
 */
export interface DeviceProcessEventsRow {
  readonly TimeGenerated: string;
  readonly DeviceId?: string;
  readonly DeviceName?: string;
  readonly ActionType?: string;
  readonly FileName?: string;
  readonly ProcessId?: number;
  readonly ProcessCommandLine?: string;
  readonly ProcessCreationTime?: string;
  readonly InitiatingProcessFileName?: string;
  readonly InitiatingProcessId?: number;
  readonly InitiatingProcessCreationTime?: string;
  readonly InitiatingProcessParentFileName?: string;
  readonly _ingestionTime?: string;
  /** Any other column of the table. */
  readonly [column: string]: string | number | null | undefined;
}

/** What the fake workspace holds. */
export interface FakeWorkspaceData {
  readonly alerts: readonly SecurityAlertRow[];
  readonly iis: readonly W3CIISLogRow[];
  /** DeviceProcessEvents; default none. */
  readonly processes?: readonly DeviceProcessEventsRow[];
  /** The rows `WebShellEnrichment_CL` was sent (e.g. the ingestion double's `receivedOf(stream)`); default none. */
  readonly customTable?: () => readonly ReceivedRow[];
  /**
   * Ingestion latency of the custom table: a row is queryable, and its `ingestion_time()` is, this long after the
   * service received it (default 0). Log Analytics typically takes minutes, sometimes much longer.
   */
  readonly ingestionLatencyMs?: number;
  /** The workspace's clock: which custom-table rows are queryable yet, and `ago()` (default `Date.now`). */
  readonly now?: () => number;
}

/** Answers one query: the shape `startLogAnalyticsServer`'s `answer` option takes. */
export type FakeWorkspaceAnswer = (
  request: Pick<LogAnalyticsQueryRequest, "query" | "timespan">,
) => LogAnalyticsAnswer;

/**
 * A stand-in Log Analytics workspace for the app's own KQL (`lib/job/kql/`) and the analytics rule's query
 * (`infra/analyticsRule.json`). It recognises each query of that family by its text (comment lines aside), reads
 * the parameters from the text (intervals, bounds, lists, caps, `by` columns, mode, `ago()` spans), and evaluates
 * it over the data set with Kusto's semantics, the request's `timespan` applied to `TimeGenerated` of every table
 * read. It answers the columns the query projects, with their Kusto types. Any query it does not recognise line
 * for line throws, which the query double answers as a 400, so a changed query fails loudly.
 *
 * The custom table behaves as the service's does: a row becomes queryable only `ingestionLatencyMs` after the
 * ingestion API received it, and every copy sent is a row of its own (its own `_ItemId`).
 *
 * Rows come in data-set order (joins: each row's matching intervals in datatable order; summaries: groups in
 * order of first appearance); Kusto promises no order, so the app must not rely on it.
 *
 * @example startLogAnalyticsServer({ answer: createFakeWorkspace({ alerts, iis }) })
 */
export function createFakeWorkspace(data: FakeWorkspaceData): FakeWorkspaceAnswer {
  const clock = data.now ?? Date.now;
  const latency = data.ingestionLatencyMs ?? 0;
  return (request) => {
    const timespan = parseTimespan(request.timespan);
    const now = clock();
    const read: ReadTable = (name) => {
      switch (name) {
        case "SecurityAlert":
          return toFakeTable(name, data.alerts, timespan);
        case "W3CIISLog":
          return toFakeTable(name, data.iis, timespan);
        case "DeviceProcessEvents":
          return toFakeTable(name, data.processes ?? [], timespan);
        case CUSTOM_TABLE:
          return toFakeTable(name, queryable(data.customTable?.() ?? [], latency, now), timespan);
      }
    };
    const query = withoutComments(request.query);
    const lines = new QueryLines(query);
    const [first = "", second] = query.split(/\r?\n/, 2);
    if (isAlertQuery(first)) return toAnswer(answerAlertQuery(lines, read));
    if (isRequestQuery(first)) return toAnswer(answerRequestQuery(lines, read));
    if (isDeviceProcessQuery(first)) return toAnswer(answerDeviceProcessQuery(lines, read));
    if (isIngestedIdsQuery(first, second)) return toAnswer(answerIngestedIdsQuery(lines, read));
    if (isRuleQuery(query)) return toAnswer(answerRuleQuery(query, read, now));
    throw new FakeWorkspaceError(
      `the fake workspace does not recognise this query (not one of lib/kql's builders):\n${request.query}`,
    );
  };
}

/** The custom table's rows that are queryable at `now`, with the standard columns the service adds. */
function queryable(
  received: readonly ReceivedRow[],
  latencyMs: number,
  now: number,
): Record<string, unknown>[] {
  return received
    .filter((entry) => entry.receivedAt + latencyMs <= now)
    .map((entry) => ({
      ...entry.row,
      _ItemId: entry.itemId,
      _TimeReceived: new Date(entry.receivedAt).toISOString(),
      _ingestionTime: new Date(entry.receivedAt + latencyMs).toISOString(),
    }));
}

/** The query without its `//` comment lines (the rule's text starts with some). */
function withoutComments(query: string): string {
  return query
    .split(/\r?\n/)
    .filter((text) => !text.trimStart().startsWith("//"))
    .join("\n");
}
