import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";

import { RECORD_COLUMN_NAMES } from "../../../../../lib/core/records/columns.js";
import type { EnrichmentRecord } from "../../../../../lib/core/records/EnrichmentRecord.js";
import { toJsonRecord } from "../../../../../lib/core/records/toJsonRecord.js";
import { formatText } from "../../../../support/formatText.js";
import { aRecord } from "../../azure/tables/aRecord.js";

// Each format made one record at a time gives what formatting the records all at once would.

const records = (count: number): EnrichmentRecord[] =>
  Array.from({ length: count }, (_, i) => ({
    ...aRecord,
    RecordId: `${i}`.padStart(32, "0"),
    ShellLocation: `/uploads/${"x".repeat(i % 40)}.aspx`,
    ProcessCommandLine: `cmd.exe /c "echo ${i}\nline two"`,
  }));

describe("record formats", () => {
  it.each([0, 1, 3])("writes JSON as JSON.stringify(records, null, 2) does (%i records)", (count) => {
    const some = records(count);
    expect(formatText(some, "json")).toBe(JSON.stringify(some.map(toJsonRecord), null, 2) + "\n");
  });

  it("writes one JSON line per record", () => {
    const text = formatText(records(3), "jsonl");
    expect(text.split("\n")).toHaveLength(4);
    expect(JSON.parse(text.split("\n")[2]!)).toEqual(toJsonRecord(records(3)[2]!));
  });

  it("writes the CSV header once, also with no records", () => {
    expect(formatText([], "csv")).toBe(RECORD_COLUMN_NAMES.join(",") + "\n");
    const rows = parse<Record<string, string>>(formatText(records(3), "csv"), { columns: true });
    expect(rows.map((row) => row.ProcessCommandLine)).toEqual(records(3).map((r) => r.ProcessCommandLine));
  });

  it("fits the table's columns to its first rows and cuts later ones to them", () => {
    const many = records(700);
    many[650] = { ...many[650]!, ShellLocation: `/${"y".repeat(60)}.aspx` };
    const lines = formatText(many, "table", 200).trimEnd().split("\n");
    expect(lines).toHaveLength(2 + 700 + 1);
    expect(lines.at(-1)).toBe("700 finding(s)");
    const widths = new Set(lines.slice(2, -1).map((line) => line.indexOf("203.0.113.77")));
    expect(widths.size).toBe(1); // every row's columns line up, the long late page cut with "…"
    expect(lines[2 + 650]).toContain("…");
    expect(formatText([], "table")).toBe("No findings.\n");
  });
});
