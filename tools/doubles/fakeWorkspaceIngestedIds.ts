import { distinct, type FakeTable, type ReadTable, text, where } from "./fakeWorkspaceTable.js";
import {
  FakeWorkspaceError,
  group,
  line,
  parseStringList,
  type QueryLines,
  STRING_LIST,
} from "./fakeWorkspaceText.js";

/** The custom table the fake holds (`customTable` of the data set). */
export const CUSTOM_TABLE = "WebShellEnrichment_CL";

// buildIngestedIdsQuery, line 2: `| where RecordId in ("…", …)`.
const IDS = line(String.raw`\| where RecordId in (${STRING_LIST})`);
// buildIngestedIdsQuery, line 3: `| distinct RecordId, SystemAlertId, ProcessSource, RequestCount`.
const DISTINCT = line(String.raw`\| distinct RecordId, SystemAlertId, ProcessSource, RequestCount`);

/** Whether the query starts like `buildIngestedIdsQuery`: a table name, then `| where RecordId in (…)`. */
export function isIngestedIdsQuery(first: string, second: string | undefined): boolean {
  return /^[A-Za-z]\w*$/.test(first) && second !== undefined && IDS.test(second);
}

/**
 * Answers `buildIngestedIdsQuery`: the distinct (RecordId, SystemAlertId, ProcessSource, RequestCount) of the custom
 * table's rows among the listed ids (exact `in`).
 */
export function answerIngestedIdsQuery(lines: QueryLines, read: ReadTable): FakeTable {
  const table = lines.next(line(String.raw`(\w+)`), "a table name");
  if (group(table, 1) !== CUSTOM_TABLE) {
    throw new FakeWorkspaceError(`Failed to resolve table expression named '${group(table, 1)}'`);
  }
  const ids = new Set(parseStringList(group(lines.next(IDS, "| where RecordId in (…)"), 1)));
  lines.next(DISTINCT, "| distinct RecordId, SystemAlertId, ProcessSource, RequestCount");
  lines.end();
  const matching = where(read(CUSTOM_TABLE), (row) => ids.has(text(row, "RecordId")));
  return distinct(matching, ["RecordId", "SystemAlertId", "ProcessSource", "RequestCount"]);
}
