import {
  compare,
  readHasAny,
  readOptionalTimeBounds,
  readProject,
  readTimeBounds,
  type RowFilter,
} from "./fakeWorkspaceClauses.js";
import { readHostKeyLines } from "./fakeWorkspaceHostKey.js";
import { readIntervals } from "./fakeWorkspaceIntervals.js";
import { readBaselineSummary } from "./fakeWorkspaceSummary.js";
import {
  extend,
  type FakeRow,
  type FakeTable,
  joinInner,
  numeric,
  project,
  type ReadTable,
  text,
  where,
} from "./fakeWorkspaceTable.js";
import { FakeWorkspaceError, group, line, type QueryLines } from "./fakeWorkspaceText.js";

// candidateRows' last line: `| where TimeGenerated >= From and TimeGenerated <= To` (compat), or with
// `TimeGenerated - min_of(coalesce(TimeTaken, 0), <maxRequestDurationMs>) * 1ms <= To` (precise).
const ENDS = line(
  String.raw`\| where TimeGenerated >= From and TimeGenerated(?: - min_of\(coalesce\(TimeTaken, 0\), (\d+)\) \* 1ms)? <= To`,
);
// buildBaselineQuery: the page of a row, `csUriStem` (compat) or `tolower(csUriStem)` (precise).
const PAGE = String.raw`(csUriStem|tolower\(csUriStem\))`;

/** Whether the first line starts a request query (intervalsTable's `let intervals = datatable(…) [`). */
export function isRequestQuery(first: string): boolean {
  return first.startsWith("let intervals = datatable(");
}

/**
 * Answers `buildCandidateRequestsQuery` or `buildBaselineQuery`, told apart by the line after the intervals:
 * `W3CIISLog` (candidates) or `let candidatePages = W3CIISLog` (baseline).
 */
export function answerRequestQuery(lines: QueryLines, read: ReadTable): FakeTable {
  const intervals = readIntervals(lines);
  if (lines.optional(line("let candidatePages = W3CIISLog")) !== undefined) {
    return answerBaseline(lines, read, readCandidateRows(lines, read, intervals));
  }
  lines.next(line("W3CIISLog"), "W3CIISLog or let candidatePages = W3CIISLog");
  const candidates = readCandidateRows(lines, read, intervals);
  const columns = readProject(lines, "| project <request columns>");
  lines.end();
  return project(candidates, columns);
}

/**
 * candidateRows (after its `W3CIISLog` line): the windows' bounds, compat's optional range, script pages, the
 * host key, the join with the intervals (one row per matching interval), and the request-end condition.
 */
function readCandidateRows(lines: QueryLines, read: ReadTable, intervals: FakeTable): FakeTable {
  let rows = where(read("W3CIISLog"), readTimeBounds(lines, "the windows' time bounds"));
  const range = readOptionalTimeBounds(lines);
  if (range !== undefined) rows = where(rows, range);
  rows = where(rows, readHasAny(lines, "csUriStem"));
  const hostKey = readHostKeyLines(lines);
  if (hostKey === undefined) throw new FakeWorkspaceError(`expected the host key lines, got ${lines.peek()}`);
  rows = hostKey(rows);
  lines.next(
    line(String.raw`\| join kind=inner \(intervals\) on HostKey`),
    "| join kind=inner (intervals) on HostKey",
  );
  rows = joinInner(rows, intervals, "HostKey");
  return where(rows, readRequestEnds(lines));
}

/**
 * candidateRows' last line. Precise: the request ran over [end − min_of(TimeTaken or 0, cap), end], which must
 * start by `To`; compat: the logged time itself must be by `To`. Both: logged at or after `From`.
 */
function readRequestEnds(lines: QueryLines): RowFilter {
  const cap = lines.next(ENDS, "the request-end condition")[1];
  const reach = (row: FakeRow): number =>
    cap === undefined ? 0 : Math.min(numeric(row, "TimeTaken") ?? 0, Number(cap));
  return (row) => {
    const time = numeric(row, "TimeGenerated");
    const start = time === null ? null : time - reach(row);
    return compare(time, ">=", numeric(row, "From")) && compare(start, "<=", numeric(row, "To"));
  };
}

/**
 * buildBaselineQuery after the candidate rows: their distinct pages, then the script-page rows of the baseline
 * window whose page is one of them, summarised per page (and scope) as the capped count of distinct clients.
 */
function answerBaseline(lines: QueryLines, read: ReadTable, candidates: FakeTable): FakeTable {
  // `| distinct Page = <page>;` ends the `let candidatePages`.
  const candidatePage = pageOf(
    group(lines.next(line(`\\| distinct Page = ${PAGE};`), "| distinct Page = …;"), 1),
  );
  const pages = new Set(candidates.rows.map(candidatePage));
  lines.next(line("W3CIISLog"), "W3CIISLog");
  let rows = where(read("W3CIISLog"), readTimeBounds(lines, "the baseline window"));
  rows = where(rows, readHasAny(lines, "csUriStem"));
  // `| extend Page = <page>` then `| where Page in (candidatePages)`: exact, case-sensitive membership.
  const page = pageOf(group(lines.next(line(`\\| extend Page = ${PAGE}`), "| extend Page = …"), 1));
  rows = extend(rows, "Page", "string", page);
  lines.next(line(String.raw`\| where Page in \(candidatePages\)`), "| where Page in (candidatePages)");
  rows = where(rows, (row) => pages.has(text(row, "Page")));
  return readBaselineSummary(lines, rows);
}

function pageOf(expression: string): (row: FakeRow) => string {
  return expression === "csUriStem"
    ? (row) => text(row, "csUriStem")
    : (row) => text(row, "csUriStem").toLowerCase();
}
