import type { LogAnalyticsAnswer } from "./encodeLogAnalyticsTable.js";
import { answerAlertQuery, isAlertQuery } from "./fakeWorkspaceAlerts.js";
import { answerIngestedIdsQuery, CUSTOM_TABLE, isIngestedIdsQuery } from "./fakeWorkspaceIngestedIds.js";
import { answerDeviceProcessQuery, isDeviceProcessQuery } from "./fakeWorkspaceProcesses.js";
import { answerRequestQuery, isRequestQuery } from "./fakeWorkspaceRequests.js";
import { type ReadTable, toAnswer, toFakeTable } from "./fakeWorkspaceTable.js";
import { FakeWorkspaceError, parseTimespan, QueryLines } from "./fakeWorkspaceText.js";
import type { LogAnalyticsQueryRequest } from "./LogAnalyticsQueryRequest.js";

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
  /** The rows `WebShellEnrichment_CL` holds now (e.g. the ingestion double's `rowsOf(stream)`); default none. */
  readonly customTable?: () => readonly Record<string, unknown>[];
}

/** Answers one query: the shape `startLogAnalyticsServer`'s `answer` option takes. */
export type FakeWorkspaceAnswer = (
  request: Pick<LogAnalyticsQueryRequest, "query" | "timespan">,
) => LogAnalyticsAnswer;

/**
 * A stand-in Log Analytics workspace for the app's own KQL (`lib/kql/`). It recognises each query of that family
 * by its text, reads the parameters from the text (intervals, bounds, lists, caps, `by` columns, mode), and
 * evaluates it over the data set with Kusto's semantics, the request's `timespan` applied to `TimeGenerated` of
 * every table read. It answers the columns the query projects, with their Kusto types. Any query it does not
 * recognise line for line throws, which the query double answers as a 400, so a changed query fails loudly.
 *
 * Rows come in data-set order (joins: each row's matching intervals in datatable order; summaries: groups in
 * order of first appearance); Kusto promises no order, so the app must not rely on it.
 *
 * @example startLogAnalyticsServer({ answer: createFakeWorkspace({ alerts, iis }) })
 */
export function createFakeWorkspace(data: FakeWorkspaceData): FakeWorkspaceAnswer {
  return (request) => {
    const timespan = parseTimespan(request.timespan);
    const read: ReadTable = (name) => {
      switch (name) {
        case "SecurityAlert":
          return toFakeTable(name, data.alerts, timespan);
        case "W3CIISLog":
          return toFakeTable(name, data.iis, timespan);
        case "DeviceProcessEvents":
          return toFakeTable(name, data.processes ?? [], timespan);
        case CUSTOM_TABLE:
          return toFakeTable(name, data.customTable?.() ?? [], timespan);
      }
    };
    const lines = new QueryLines(request.query);
    const [first = "", second] = request.query.split(/\r?\n/, 2);
    if (isAlertQuery(first)) return toAnswer(answerAlertQuery(lines, read));
    if (isRequestQuery(first)) return toAnswer(answerRequestQuery(lines, read));
    if (isDeviceProcessQuery(first)) return toAnswer(answerDeviceProcessQuery(lines, read));
    if (isIngestedIdsQuery(first, second)) return toAnswer(answerIngestedIdsQuery(lines, read));
    throw new FakeWorkspaceError(
      `the fake workspace does not recognise this query (not one of lib/kql's builders):\n${request.query}`,
    );
  };
}
