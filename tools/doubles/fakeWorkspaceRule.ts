import { CUSTOM_TABLE } from "./fakeWorkspaceIngestedIds.js";
import {
  cell,
  extend,
  type FakeRow,
  type FakeTable,
  INGESTION_TIME,
  numeric,
  project,
  type ReadTable,
  text,
  where,
} from "./fakeWorkspaceTable.js";
import { FakeWorkspaceError, group, line, QueryLines } from "./fakeWorkspaceText.js";

// `ago(<n><unit>)` as the rule writes it: a whole number of days, hours or minutes.
const AGO = String.raw`ago\((\d+)([dhm])\)`;
const UNIT_MS: Readonly<Record<string, number>> = { d: 86_400_000, h: 3_600_000, m: 60_000 };
const LOOKBACK = line(String.raw`\| where ingestion_time\(\) > ${AGO}`);
const SUMMARY = line(
  String.raw`\| summarize FirstIngested = min\(ingestion_time\(\)\), arg_max\(EnrichedAt, \*\) by RecordId`,
);
const SLICE = line(String.raw`\| where FirstIngested > ${AGO} and FirstIngested <= ${AGO}`);
// The records this rule raised already, by the custom detail Sentinel keeps on each alert in SecurityAlert.
const ALERTED = line(
  String.raw`let alerted = SecurityAlert \| where TimeGenerated > ${AGO} \| where ProviderName has "(\w+)" and ` +
    String.raw`AlertName startswith "([^"]+)" \| extend RecordId = tostring\(parse_json\(tostring\(parse_json\(` +
    String.raw`ExtendedProperties\)\["Custom Details"\]\)\)\.RecordId\[0\]\) \| distinct RecordId;`,
);
const NOT_ALERTED = line(String.raw`\| where RecordId !in \(alerted\)`);
const USER_AGENTS = line(String.raw`\| extend UserAgents = tostring\(AttackerUserAgents\)`);
const PROJECT = line(String.raw`\| project (\w+(?:, \w+)*)`);
// The rule reads a fuzzy union of an empty datatable of the record's columns and the custom table, so that Sentinel
// can validate it before the table exists (docs/design.md §7).
const FUZZY_UNION = line(String.raw`union isfuzzy=true \(datatable\(([^)]*)\)\[\]\), \(${CUSTOM_TABLE}\)`);
const SHELL_URL = line(
  String.raw`\| extend ShellUrl = strcat\("https://", HostName, iff\(isempty\(DnsDomain\), "", strcat\("\.", DnsDomain\)\), ShellLocation\)`,
);

/**
 * Whether the query is the analytics rule's (infra/analyticsRule.json): the custom table (or its fuzzy union with
 * an empty datatable), then its look-back by `ingestion_time()`. Comment lines are already gone.
 */
export function isRuleQuery(query: string): boolean {
  const lines = joinContinuations(query).split(/\r?\n/);
  const [first = "", second] = ALERTED.test(lines[0] ?? "") ? lines.slice(1) : lines;
  return (first === CUSTOM_TABLE || FUZZY_UNION.test(first)) && second !== undefined && LOOKBACK.test(second);
}

/**
 * Runs the analytics rule's query text as Sentinel would at `now`: the records its earlier alerts name (SecurityAlert
 * rows of scheduled alerts, by the `RecordId` custom detail), then the custom table's rows ingested within the
 * look-back, one row per RecordId (the copy with the latest EnrichedAt, `FirstIngested` the earliest ingestion of
 * any copy), kept when that first ingestion falls in the rule's slice `(now − a, now − b]` and no earlier alert names
 * it, with the user agents as text and the projected columns. Any other shape throws, so a changed rule fails its
 * tests until this reading follows it.
 */
export function answerRuleQuery(query: string, read: ReadTable, now: number): FakeTable {
  const lines = new QueryLines(joinContinuations(query));
  const alertedMatch = lines.optional(ALERTED);
  const alerted =
    alertedMatch === undefined ? undefined : alertedRecords(alertedMatch, read("SecurityAlert"), now);
  const source = unionOrTable(lines, read(CUSTOM_TABLE));
  const lookback = agoOf(lines.next(LOOKBACK, "| where ingestion_time() > ago(…)"), now);
  let rows = where(source, (row) => (numeric(row, INGESTION_TIME) ?? -Infinity) > lookback);
  lines.next(
    SUMMARY,
    "| summarize FirstIngested = min(ingestion_time()), arg_max(EnrichedAt, *) by RecordId",
  );
  rows = summarizeFirstAndLatest(rows);
  const slice = lines.next(SLICE, "| where FirstIngested > ago(…) and FirstIngested <= ago(…)");
  const [after, upTo] = [agoOf(slice, now), agoOf(slice, now, 3)];
  rows = where(rows, (row) => {
    const first = numeric(row, "FirstIngested") ?? -Infinity;
    return first > after && first <= upTo;
  });
  if (alerted !== undefined) {
    lines.next(NOT_ALERTED, "| where RecordId !in (alerted)");
    rows = where(rows, (row) => !alerted.has(text(row, "RecordId")));
  }
  lines.next(USER_AGENTS, "| extend UserAgents = tostring(AttackerUserAgents)");
  rows = extend(rows, "UserAgents", "string", (row) => JSON.stringify(cell(row, "AttackerUserAgents")));
  if (lines.optional(SHELL_URL) !== undefined) {
    rows = extend(rows, "ShellUrl", "string", (row) => {
      const domain = text(row, "DnsDomain");
      return `https://${text(row, "HostName")}${domain === "" ? "" : `.${domain}`}${text(row, "ShellLocation")}`;
    });
  }
  const columns = group(lines.next(PROJECT, "| project <columns>"), 1).split(", ");
  lines.end();
  return project(rows, columns);
}

// The rule's `union` and `project` run over several lines: each continuation line (indented) belongs to the one
// before.
function joinContinuations(text: string): string {
  return text
    .replace(/\r?\n[ \t]+/g, " ")
    .replace(/\( +/g, "(")
    .replace(/ +\)/g, ")");
}

/**
 * The rule's source: the custom table alone, or its fuzzy union with an empty datatable, which adds no row. The
 * datatable must declare each column as the table types it: Kusto's union would otherwise keep both, renamed by
 * type, and the rule's `project` would not find the table's.
 */
function unionOrTable(lines: QueryLines, table: FakeTable): FakeTable {
  if (lines.optional(line(CUSTOM_TABLE)) !== undefined) return table;
  const declared = group(lines.next(FUZZY_UNION, `${CUSTOM_TABLE} or its fuzzy union with a datatable`), 1);
  for (const column of declared.split(",").map((part) => part.trim())) {
    const [name = "", type = ""] = column.split(":").map((part) => part.trim());
    const actual = table.columns.get(name);
    if (actual !== type) {
      throw new FakeWorkspaceError(
        `the rule's datatable declares ${name}: ${type}, the custom table has ${actual === undefined ? "no such column" : `${name}: ${actual}`}`,
      );
    }
  }
  return table;
}

/** `now − ago(n unit)` of the `ago()` whose number is the match's group `index` (its unit the group after). */
function agoOf(match: RegExpExecArray, now: number, index = 1): number {
  return now - Number(group(match, index)) * (UNIT_MS[group(match, index + 1)] ?? Number.NaN);
}

/**
 * The `alerted` set: the RecordId custom detail of SecurityAlert rows newer than the `ago()`, whose ProviderName has
 * the term and whose AlertName starts with the prefix (both case-insensitive, as Kusto's `has` and `startswith`).
 * A row whose ExtendedProperties or custom details are not JSON, or name no RecordId, gives "" (as Kusto's
 * `tostring` of a null).
 */
function alertedRecords(match: RegExpExecArray, table: FakeTable, now: number): Set<string> {
  const since = agoOf(match, now);
  const term = group(match, 3).toLowerCase();
  const prefix = group(match, 4).toLowerCase();
  const found = new Set<string>();
  for (const row of table.rows) {
    if ((numeric(row, "TimeGenerated") ?? -Infinity) <= since) continue;
    if (
      !text(row, "ProviderName")
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .includes(term)
    )
      continue;
    if (!text(row, "AlertName").toLowerCase().startsWith(prefix)) continue;
    found.add(customRecordId(text(row, "ExtendedProperties")));
  }
  return found;
}

function customRecordId(extendedProperties: string): string {
  try {
    const properties = JSON.parse(extendedProperties) as Record<string, unknown>;
    const details = JSON.parse(String(properties["Custom Details"])) as Record<string, unknown>;
    const ids = details.RecordId;
    return Array.isArray(ids) && typeof ids[0] === "string" ? ids[0] : "";
  } catch {
    return "";
  }
}

/** `summarize FirstIngested = min(ingestion_time()), arg_max(EnrichedAt, *) by RecordId`, groups in order of first row. */
function summarizeFirstAndLatest(table: FakeTable): FakeTable {
  const groups = new Map<unknown, { first: number; latest: FakeRow }>();
  for (const row of table.rows) {
    const ingested = numeric(row, INGESTION_TIME);
    if (ingested === null) throw new FakeWorkspaceError("a custom table row has no ingestion_time()");
    const key = cell(row, "RecordId");
    const seen = groups.get(key);
    if (seen === undefined) {
      groups.set(key, { first: ingested, latest: row });
      continue;
    }
    seen.first = Math.min(seen.first, ingested);
    // arg_max keeps one row with the largest EnrichedAt; of equals, the first met (Kusto picks any).
    if ((numeric(row, "EnrichedAt") ?? -Infinity) > (numeric(seen.latest, "EnrichedAt") ?? -Infinity))
      seen.latest = row;
  }
  return {
    columns: new Map([...table.columns, ["FirstIngested", "datetime"]]),
    rows: [...groups.values()].map(({ first, latest }) => ({ ...latest, FirstIngested: first })),
  };
}
