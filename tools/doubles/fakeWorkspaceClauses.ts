import { hasAny } from "./fakeWorkspaceScalars.js";
import { type FakeRow, INGESTION_TIME, numeric, text } from "./fakeWorkspaceTable.js";
import {
  DATETIME,
  FakeWorkspaceError,
  group,
  line,
  parseDatetime,
  parseStringList,
  type QueryLines,
  STRING_LIST,
} from "./fakeWorkspaceText.js";

/** A `where` predicate read from the query. */
export type RowFilter = (row: FakeRow) => boolean;

// `| where <time> >= datetime(…) and <time> < datetime(…)` with the operators as written: buildAlertQuery's
// window (TimeGenerated or ingestion_time()), candidateRows' bounds and range, buildBaselineQuery's window.
const TIME_BOUNDS = line(
  String.raw`\| where (TimeGenerated|ingestion_time\(\)) (>=|>) (${DATETIME}) and \1 (<=|<) (${DATETIME})`,
);

/** Reads a time-bounds `where` line; its comparison operators are applied exactly as written. */
export function readTimeBounds(lines: QueryLines, what: string): RowFilter {
  return timeBounds(lines.next(TIME_BOUNDS, what));
}

/** Reads a time-bounds `where` line if the next line is one. */
export function readOptionalTimeBounds(lines: QueryLines): RowFilter | undefined {
  const match = lines.optional(TIME_BOUNDS);
  return match === undefined ? undefined : timeBounds(match);
}

function timeBounds(match: RegExpExecArray): RowFilter {
  const column = group(match, 1) === "TimeGenerated" ? "TimeGenerated" : INGESTION_TIME;
  const lower = group(match, 2);
  const from = parseDatetime(group(match, 3));
  const upper = group(match, 4);
  const to = parseDatetime(group(match, 5));
  return (row) => {
    const time = numeric(row, column);
    return time !== null && compare(time, lower, from) && compare(time, upper, to);
  };
}

/** `a <op> b` for the comparison operators the queries use; a null operand compares false, as in Kusto. */
export function compare(a: number | null, op: string, b: number | null): boolean {
  if (a === null || b === null) return false;
  switch (op) {
    case ">=":
      return a >= b;
    case ">":
      return a > b;
    case "<=":
      return a <= b;
    case "<":
      return a < b;
    default:
      throw new FakeWorkspaceError(`the fake does not compare with ${op}`);
  }
}

/**
 * Reads `| where <column> has_any ("…", …)`: buildAlertQuery's `Entities has_any (workers)` and the request
 * queries' `csUriStem has_any (scriptExtensions)`.
 */
export function readHasAny(lines: QueryLines, column: string): RowFilter {
  const match = lines.next(
    line(String.raw`\| where ${column} has_any (${STRING_LIST})`),
    `${column} has_any`,
  );
  const terms = parseStringList(group(match, 1));
  return (row) => hasAny(text(row, column), terms);
}

/** Reads `| project A, B, …` (plain column names) and returns the names. */
export function readProject(lines: QueryLines, what: string): string[] {
  const match = lines.next(line(String.raw`\| project (\w+(?:, \w+)*)`), what);
  return group(match, 1).split(", ");
}
