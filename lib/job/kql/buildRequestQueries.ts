import type { BaselineScope, MatchMode } from "../../core/model/EngineOptions.js";
import type { HostInterval } from "../../core/model/HostInterval.js";
import { kqlDatetime, kqlString, kqlStringList } from "./kqlLiterals.js";

export interface RequestQueryParams {
  mode: MatchMode;
  /** Merged host windows (see `mergeHostIntervals`); for precise they bound the process start ± slack. */
  intervals: readonly HostInterval[];
  scriptExtensions: readonly string[];
  /** Precise: the cap on `TimeTaken`; compat ignores request duration. */
  maxRequestDurationMs: number;
  /** Compat on demand: the hunting query's range, which also bounds the IIS rows. */
  range?: { from: number; to: number };
}

export interface BaselineQueryParams extends RequestQueryParams {
  baselineFrom: number;
  baselineTo: number;
  scope: BaselineScope;
  /** Clients kept per key: threshold + 1 is enough to know a page is over the threshold. */
  cap: number;
}

/**
 * The W3CIISLog columns the engine reads (`WebRequest`; W3CIISLog has no X-Forwarded-For column), and `_ItemId`,
 * the row's identity (a standard column of every Log Analytics table), by which the job tells rows apart.
 */
export const REQUEST_COLUMNS = [
  "TimeGenerated",
  "sSiteName",
  "sComputerName",
  "Computer",
  "_ResourceId",
  "sIP",
  "sPort",
  "csMethod",
  "csUriStem",
  "csUriQuery",
  "csUserName",
  "cIP",
  "csUserAgent",
  "csReferer",
  "csHost",
  "scStatus",
  "scSubStatus",
  "scWin32Status",
  "scBytes",
  "csBytes",
  "TimeTaken",
  "_ItemId",
] as const;

// Precise: the row's short host name, taken as the engine's `requestHostName` does, else its server address.
const PRECISE_HOST_KEY = [
  `| extend HostName_ = coalesce(trim(@"\\s+", sComputerName), trim(@"\\s+", Computer),`,
  `    extract(@"(?i)/providers/microsoft\\.compute/virtualmachines/([^/]+)$", 1, trim(@"\\s+", _ResourceId)))`,
  `| extend HostKey = tolower(tostring(split(HostName_, ".")[0]))`,
  `| extend HostKey = iff(isempty(HostKey), trim(@"\\s+", sIP), HostKey)`,
];
// Compat: the original query's exact, case-sensitive `HostName = sComputerName` (B7).
const COMPAT_HOST_KEY = ["| extend HostKey = sComputerName"];

/**
 * The IIS rows that can match a command: script pages (`has_any`, as the engine), on a candidate host, whose
 * [end − duration, end] meets one of the host's windows. With merged windows this is exactly the engine's rule
 * (see docs/design.md §6: every pushed-down filter is a superset), and only these rows travel.
 */
export function buildCandidateRequestsQuery(params: RequestQueryParams): string {
  return [
    ...intervalsTable(params.intervals),
    ...candidateRows(params),
    `| project ${REQUEST_COLUMNS.join(", ")}`,
  ].join("\n");
}

/**
 * The rarity baseline, computed by the workspace: distinct clients (capped) per page of the candidate rows over
 * the baseline window, in the mode's key (precise: lower-case page, per scope; compat: exact page, B9).
 */
export function buildBaselineQuery(params: BaselineQueryParams): string {
  const precise = params.mode === "precise";
  const page = precise ? "tolower(csUriStem)" : "csUriStem";
  const by =
    precise && params.scope !== "page" ? (params.scope === "site" ? ", HostKey, Site" : ", HostKey") : "";
  return [
    ...intervalsTable(params.intervals),
    "let candidatePages = W3CIISLog",
    ...candidateRows(params).slice(1),
    `| distinct Page = ${page};`,
    "W3CIISLog",
    `| where TimeGenerated >= ${kqlDatetime(params.baselineFrom)} and TimeGenerated < ${kqlDatetime(params.baselineTo)}`,
    `| where csUriStem has_any ${kqlStringList(params.scriptExtensions)}`,
    `| extend Page = ${page}`,
    "| where Page in (candidatePages)",
    // Precise counts an address only when one is logged, as the engine does; compat counts what dcount would.
    ...(precise ? ["| where isnotempty(cIP)"] : []),
    ...(by === "" ? [] : [...PRECISE_HOST_KEY, "| extend Site = tolower(sSiteName)"]),
    `| summarize Clients = make_set(cIP, ${Math.trunc(params.cap)}) by Page${by}`,
    `| project Page${by}, DistinctClients = array_length(Clients)`,
  ].join("\n");
}

function intervalsTable(intervals: readonly HostInterval[]): string[] {
  const rows = intervals.map(
    (i) => `    ${kqlString(i.hostKey)}, ${kqlDatetime(i.from)}, ${kqlDatetime(i.to)},`,
  );
  return ["let intervals = datatable(HostKey: string, From: datetime, To: datetime) [", ...rows, "];"];
}

function candidateRows(params: RequestQueryParams): string[] {
  const precise = params.mode === "precise";
  const from = Math.min(...params.intervals.map((i) => i.from));
  const reach = precise ? params.maxRequestDurationMs : 0;
  const to = Math.max(...params.intervals.map((i) => i.to)) + reach;
  // A request ran over [end − duration, end]; compat ignores duration (its bins are on the logged time).
  const ends = precise
    ? `TimeGenerated - min_of(coalesce(TimeTaken, 0), ${Math.trunc(reach)}) * 1ms <= To`
    : "TimeGenerated <= To";
  return [
    "W3CIISLog",
    `| where TimeGenerated >= ${kqlDatetime(from)} and TimeGenerated <= ${kqlDatetime(to)}`,
    ...(params.range === undefined
      ? []
      : [
          `| where TimeGenerated >= ${kqlDatetime(params.range.from)} and TimeGenerated < ${kqlDatetime(params.range.to)}`,
        ]),
    `| where csUriStem has_any ${kqlStringList(params.scriptExtensions)}`,
    ...(precise ? PRECISE_HOST_KEY : COMPAT_HOST_KEY),
    "| join kind=inner (intervals) on HostKey",
    `| where TimeGenerated >= From and ${ends}`,
  ];
}
