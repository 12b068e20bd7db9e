import type { FakeTable } from "./fakeWorkspaceTable.js";
import {
  DATETIME,
  group,
  line,
  parseDatetime,
  parseString,
  type QueryLines,
  STRING,
} from "./fakeWorkspaceText.js";

// intervalsTable, first line: `let intervals = datatable(HostKey: string, From: datetime, To: datetime) [`.
const HEAD = line(String.raw`let intervals = datatable\(HostKey: string, From: datetime, To: datetime\) \[`);
// intervalsTable, one line per interval: `    "<hostKey>", datetime(<from>), datetime(<to>),`.
const ROW = line(String.raw` {4}(${STRING}), (${DATETIME}), (${DATETIME}),`);
// intervalsTable, last line: `];`.
const END = line(String.raw`\];`);

/** Reads the `intervals` datatable that the request queries start with. */
export function readIntervals(lines: QueryLines): FakeTable {
  lines.next(HEAD, "let intervals = datatable(HostKey: string, From: datetime, To: datetime) [");
  const rows = [];
  for (let row = lines.optional(ROW); row !== undefined; row = lines.optional(ROW)) {
    rows.push({
      HostKey: parseString(group(row, 1)),
      From: parseDatetime(group(row, 2)),
      To: parseDatetime(group(row, 3)),
    });
  }
  lines.next(END, "an interval row or ];");
  return {
    columns: new Map([
      ["HostKey", "string"],
      ["From", "datetime"],
      ["To", "datetime"],
    ]),
    rows,
  };
}
