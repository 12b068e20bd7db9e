import { readHostKeyLines } from "./fakeWorkspaceHostKey.js";
import { cell, columnType, extend, type FakeTable, project, text, where } from "./fakeWorkspaceTable.js";
import { FakeWorkspaceError, group, line, type QueryLines } from "./fakeWorkspaceText.js";

// buildBaselineQuery, precise only: `| where isnotempty(cIP)`.
const CLIENT_LOGGED = line(String.raw`\| where isnotempty\(cIP\)`);
// buildBaselineQuery, host and site scopes: `| extend Site = tolower(sSiteName)` after the host key lines.
const SITE = line(String.raw`\| extend Site = tolower\(sSiteName\)`);
// buildBaselineQuery: `| summarize Clients = make_set(cIP, <cap>) by Page[, HostKey[, Site]]`.
const SUMMARIZE = line(String.raw`\| summarize (\w+) = make_set\((\w+), (\d+)\) by (\w+(?:, \w+)*)`);
// buildBaselineQuery, last line: `| project Page[, HostKey[, Site]], DistinctClients = array_length(Clients)`.
const PROJECT = line(String.raw`\| project (\w+(?:, \w+)*), (\w+) = array_length\((\w+)\)`);

/**
 * The end of `buildBaselineQuery`, from the rows whose page is a candidate: precise's filter on a logged client,
 * the scope's host key and site, then `make_set(cIP, cap)` per `by` key, projected as its `array_length`.
 */
export function readBaselineSummary(lines: QueryLines, pageRows: FakeTable): FakeTable {
  let rows = pageRows;
  if (lines.optional(CLIENT_LOGGED) !== undefined) rows = where(rows, (row) => text(row, "cIP") !== "");
  const hostKey = readHostKeyLines(lines);
  if (hostKey !== undefined) rows = hostKey(rows);
  if (lines.optional(SITE) !== undefined) {
    rows = extend(rows, "Site", "string", (row) => text(row, "sSiteName").toLowerCase());
  }

  const summarize = lines.next(SUMMARIZE, "| summarize Clients = make_set(cIP, <cap>) by …");
  const sets = makeSetBy(rows, {
    as: group(summarize, 1),
    of: group(summarize, 2),
    cap: Number(group(summarize, 3)),
    by: group(summarize, 4).split(", "),
  });

  const projected = lines.next(PROJECT, "| project …, DistinctClients = array_length(Clients)");
  const setColumn = group(projected, 3);
  if (columnType(sets, setColumn) !== "dynamic") throw new FakeWorkspaceError(`${setColumn} is not an array`);
  const counted = extend(
    sets,
    group(projected, 2),
    "long",
    (row) => (cell(row, setColumn) as unknown[]).length,
  );
  lines.end();
  return project(counted, [...group(projected, 1).split(", "), group(projected, 2)]);
}

/**
 * `summarize <as> = make_set(<of>, <cap>) by <by>`: one row per distinct `by` key (in order of first appearance),
 * with the distinct values of `of` in the group, at most `cap` of them. Strings are never null in Kusto, so an
 * empty `cIP` is a value like any other (precise filters it out before).
 */
function makeSetBy(
  table: FakeTable,
  summary: { as: string; of: string; cap: number; by: readonly string[] },
): FakeTable {
  // Resolved up front so that a wrong column name throws even when no row reaches the summary.
  const columns = new Map(summary.by.map((column) => [column, columnType(table, column)]));
  columns.set(summary.as, "dynamic");
  columnType(table, summary.of);

  const groups = new Map<string, { key: unknown[]; values: Set<unknown> }>();
  for (const row of table.rows) {
    const key = summary.by.map((column) => cell(row, column));
    const id = JSON.stringify(key);
    const found = groups.get(id) ?? { key, values: new Set() };
    groups.set(id, found);
    const value = cell(row, summary.of);
    if (value !== null && found.values.size < summary.cap) found.values.add(value);
  }
  const rows = [...groups.values()].map(({ key, values }) => ({
    ...Object.fromEntries(summary.by.map((column, index) => [column, key[index]])),
    [summary.as]: [...values],
  }));
  return { columns, rows };
}
