import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { InputError } from "../../../../lib/core/errors.js";
import type { ExportFormat } from "../../../../lib/readers/exports/detectExportFormat.js";
import { type ExportItem, readExportRecords } from "../../../../lib/readers/exports/readExportRecords.js";

let dir: string;
beforeAll(async () => (dir = await mkdtemp(join(tmpdir(), "export-records-"))));
afterAll(() => rm(dir, { recursive: true, force: true }));

let files = 0;
async function read(
  format: ExportFormat,
  content: string | Buffer,
  options: { bufferSize?: number; checkCsvHeader?: (columns: readonly string[]) => string | undefined } = {},
): Promise<ExportItem[]> {
  const path = join(dir, `f${++files}`);
  await writeFile(path, content);
  const items: ExportItem[] = [];
  const stack = readExportRecords(path, format, "alert", {
    bufferSize: options.bufferSize ?? 64 * 1024,
    checkCsvHeader: options.checkCsvHeader ?? (() => undefined),
  });
  for await (const item of stack) items.push(item);
  return items;
}

/** Each item as [line] for a record, [line, reason] otherwise. */
const lines = (items: readonly ExportItem[]) =>
  items.map((item) =>
    item.kind === "record"
      ? [item.line]
      : item.kind === "warning"
        ? [item.message]
        : [item.line, item.reason],
  );

describe("readExportRecords: CSV", () => {
  it("keys each record by the header's column names, Entities unquoted", async () => {
    const items = await read(
      "csv",
      'SystemAlertId,TimeGenerated [UTC],Entities\r\na1,"4/18/2023, 4:20:01.053 PM","[{""$id"":""2""}]"\r\n',
    );
    expect(items).toEqual([
      {
        kind: "record",
        line: 2,
        record: {
          SystemAlertId: "a1",
          "TimeGenerated [UTC]": "4/18/2023, 4:20:01.053 PM",
          Entities: '[{"$id":"2"}]',
        },
      },
    ]);
  });

  it("gives the line where each record starts, with LF or CRLF inside quoted fields", async () => {
    const text = 'SystemAlertId,TimeGenerated,Description\r\na,t,"x\r\ny"\r\nb,t,"p\nq\nr"\r\n\r\nc,t,z\r\n';
    expect(lines(await read("csv", text))).toEqual([[2], [4], [8]]);
    // The same with reads of 7 bytes: records and line breaks cut across reads.
    expect(lines(await read("csv", text, { bufferSize: 7 }))).toEqual([[2], [4], [8]]);
  });

  it("reports a record with too few fields and goes on", async () => {
    expect(lines(await read("csv", "SystemAlertId,TimeGenerated,Description\na,t\nb,t,d\n"))).toEqual([
      [2, "expected 3 columns (header at line 1), found 2"],
      [3],
    ]);
  });

  it("reports a malformed quote once, at the record's line, and goes on", async () => {
    expect(lines(await read("csv", 'SystemAlertId,TimeGenerated\na,t\nb,x"y"\nc,t\n'))).toEqual([
      [2],
      [
        3,
        expect.stringMatching(
          /^not valid CSV: Invalid Opening Quote.*; the record is skipped, the rest is read$/,
        ),
      ],
      [4],
    ]);
  });

  it("names the good lines a quote left open took with the bad record", async () => {
    // The quote opened on line 3 closes inside line 4, where the parser meets the error and reads on as the rest of
    // that record: the lines after it are lost with line 3, and the report names them.
    const text = 'SystemAlertId,TimeGenerated,Description\na,t,d\nb,t,"open\nc,t,"x"y\nd,t,d\n';
    expect(lines(await read("csv", text))).toEqual([
      [2],
      [
        3,
        expect.stringMatching(
          /; the record \(lines 3–5: a quote left open runs on past its line\) is skipped/,
        ),
      ],
    ]);
    // However far the parser reads it so: every line it took is named.
    expect(lines(await read("csv", `${text}e,t,d\n`))).toEqual([
      [2],
      [
        3,
        expect.stringMatching(
          /; the record \(lines 3–6: a quote left open runs on past its line\) is skipped/,
        ),
      ],
    ]);
  });

  it("reports a quote left open to the end of the file", async () => {
    expect(lines(await read("csv", 'SystemAlertId,TimeGenerated\na,t\nb,"t\nc,t\n'))).toEqual([
      [2],
      [3, expect.stringMatching(/^not valid CSV: Quote Not Closed/)],
    ]);
  });

  it("stops before any record when the header is refused", async () => {
    const items = await read("csv", "a,b\n1,2\n", { checkCsvHeader: (columns) => `no ${columns.join("+")}` });
    expect(items).toEqual([{ kind: "stop", line: 1, reason: "no a+b" }]);
  });
});

describe("readExportRecords: JSON lines", () => {
  it("reads one object per line, passing blank lines over", async () => {
    const items = await read("jsonl", '{"a":1}\r\n\n{"a":2}\n');
    expect(items).toEqual([
      { kind: "record", line: 1, record: { a: 1 } },
      { kind: "record", line: 3, record: { a: 2 } },
    ]);
  });

  it.each([
    ["cut to {", "{\n"],
    ["cut mid-record", '{"SystemAlertId":"x","TimeGen\n'],
    ["garbage", "\u0000\u0001\n"],
  ])("reports a first line %s and keeps every line after it", async (_name, first) => {
    const items = await read("jsonl", `${first}{"a":1}\n{"a":2}\n`);
    expect(lines(items)).toEqual([[1, expect.stringMatching(/^not valid JSON: /)], [2], [3]]);
  });

  it("reports a line that is not an object", async () => {
    expect(lines(await read("jsonl", '[1]\n{"a":1}\n'))).toEqual([
      [1, "expected a JSON object on each line, found array"],
      [2],
    ]);
  });

  it("opens a wrapper on a line: its rows carry the line's number", async () => {
    const items = await read("jsonl", '{"rows":[{"a":1},{"a":2}]}\n{"a":3}\n');
    expect(lines(items)).toEqual([[1], [1], [2]]);
  });
});

describe("readExportRecords: JSON documents", () => {
  it("streams an array of rows, numbering them from 1, and reports what is no object", async () => {
    const items = await read("json", '[{"a":1}, 5, {"a":2}]', { bufferSize: 3 });
    expect(items).toEqual([
      { kind: "record", line: 1, record: { a: 1 } },
      { kind: "bad", line: 2, reason: "expected a row object, found number" },
      { kind: "record", line: 3, record: { a: 2 } },
    ]);
  });

  it("keeps the rows before a break, then says where it broke", async () => {
    const items = await read("json", '[{"a":1},{"a":2},{"a":');
    expect(lines(items)).toEqual([
      [1],
      [2],
      [undefined, expect.stringMatching(/^not valid JSON after row 2: /)],
    ]);
  });

  it("reads a document that breaks before its first row again as JSON lines: each intact line is kept", async () => {
    expect(lines(await read("json", '[{"SystemAlertId": "a",'))).toEqual([
      [1, expect.stringMatching(/^not valid JSON: /)],
    ]);
    expect(lines(await read("json", '{"a":1} and then some\n{"a":2}\n[{"a":\n{"a":3}\n'))).toEqual([
      [1, expect.stringMatching(/^not valid JSON: /)],
      [2],
      [3, expect.stringMatching(/^not valid JSON: /)],
      [4],
    ]);
  });

  it("reads a Log Analytics query answer, table after table, and warns of its error", async () => {
    const answer = {
      tables: [
        { name: "t", columns: [{ name: "a" }, { name: "b" }], rows: [[1, "x"], [2]] },
        { columns: [{ name: "c" }], rows: [[3]] },
      ],
      error: { code: "PartialError", message: "memory" },
    };
    expect(await read("json", JSON.stringify(answer, null, 2), { bufferSize: 16 })).toEqual([
      { kind: "record", line: 1, record: { a: 1, b: "x" } },
      { kind: "bad", line: 2, reason: 'expected 2 values as in "columns", found 1' },
      { kind: "record", line: 3, record: { c: 3 } },
      { kind: "warning", message: "the query response reports an error beside its tables: memory" },
    ]);
  });

  it("reads the older Tables/Columns/Rows spelling", async () => {
    const answer = { Tables: [{ Columns: [{ ColumnName: "a" }], Rows: [[1]] }] };
    expect(lines(await read("json", JSON.stringify(answer)))).toEqual([[1]]);
  });

  it.each([
    ["rows", { rows: [{ a: 1 }, { a: 2 }] }],
    ["value", { value: [{ a: 1 }, { a: 2 }] }],
  ])("reads the rows of {%s: [...]}", async (_name, document) => {
    expect(lines(await read("json", JSON.stringify(document, null, 1)))).toEqual([[1], [2]]);
  });

  it("reads a single row object as one record", async () => {
    expect(await read("json", '{\n  "SystemAlertId": "a"\n}\n')).toEqual([
      { kind: "record", line: 1, record: { SystemAlertId: "a" } },
    ]);
  });
});

describe("readExportRecords: files", () => {
  it("reads gzip, and stops at a cut with the rows before it kept", async () => {
    const text = Array.from({ length: 2000 }, (_, i) => `{"row":${i},"pad":"${"x".repeat(40)}"}`).join("\n");
    const gzip = gzipSync(text);
    expect((await read("jsonl", gzip)).filter((item) => item.kind === "record")).toHaveLength(2000);
    const cut = await read("jsonl", gzip.subarray(0, gzip.length >> 1));
    const last = cut.at(-1);
    expect(last).toMatchObject({
      kind: "stop",
      reason: expect.stringMatching(/^gzip data is truncated or corrupt/),
    });
    expect(cut.filter((item) => item.kind === "record").length).toBeGreaterThan(100);
  });

  it("throws InputError naming a file that cannot be read", async () => {
    const stack = readExportRecords(join(dir, "missing"), "csv", "alert", {
      bufferSize: 1024,
      checkCsvHeader: () => undefined,
    });
    await expect(stack.next()).rejects.toThrow(InputError);
  });
});
