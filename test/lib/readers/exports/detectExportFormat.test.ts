import { describe, expect, it } from "vitest";

import { detectExportFormat } from "../../../../lib/readers/exports/detectExportFormat.js";

const detect = (text: string | Buffer, complete = true) =>
  detectExportFormat(typeof text === "string" ? Buffer.from(text) : text, complete);

describe("detectExportFormat", () => {
  it.each([
    ["", "empty"],
    [" \r\n ", "empty"],
    ["\uFEFF \r\n\t\n", "empty"],
    ["#Software: Microsoft Internet Information Services 10.0\r\n", "w3c"],
    ["\uFEFF#Software: Microsoft Internet Information Services 10.0", "w3c"],
    ['[{"SystemAlertId":"a"}]', "json"],
    ['\r\n  [\n  {"TimeGenerated": "2023-04-18T16:20:01Z"}]', "json"],
    ["[{", "json"],
    ['{\n  "rows": [\n', "json"],
    ['{\n  "tables": [\n    {\n      "name": "PrimaryResult",\n', "json"],
    // One whole object per line, and a one-line wrapper that the JSON-lines reader opens.
    ['{"SystemAlertId":"a"}', "jsonl"],
    ['\n {"rows": []}\n', "jsonl"],
    ['{"SystemAlertId":"a"}\n{"SystemAlertId":"b"}\n', "jsonl"],
    ['{"SystemAlertId":"a"}\n{"SystemAl', "jsonl"],
    ['{"TimeGenerated":"2023-04-18T16:20:01Z"}\n', "jsonl"],
    ["SystemAlertId,TimeGenerated\na,2023-04-18\n", "csv"],
    ['"TimeGenerated [UTC]",SystemAlertId\n', "csv"],
    ['TenantId,"TimeGenerated [UTC]",Computer\r\n', "csv"],
    ["\uFEFFtimegenerated,csUriStem\n", "csv"],
    ["2023-04-18 16:20:01 10.0.0.4 GET /x.aspx - 443", "text"], // a W3C log cut before its header
    ["Computer,csUriStem\nWEB01,/x.aspx", "text"], // no TimeGenerated header: not an export
  ])("%j is %s", (text, format) => {
    expect(detect(text)).toEqual({ format });
  });

  it("looks at whole lines only: a first line longer than the head is JSON lines' to read", () => {
    expect(detect(`{"SystemAlertId":"${"x".repeat(100)}`, false)).toEqual({ format: "jsonl" });
    expect(detect('{"a":1}\n{"b":', false)).toEqual({ format: "jsonl" });
  });
});

// Regression: a JSON-lines export whose first line was broken (a banner, stray bytes, a line cut to `{` or in the
// middle of a record) was taken for CSV or one JSON document and refused whole, losing every good alert after it.
describe("detectExportFormat with a broken first line", () => {
  it.each([
    ['SecurityAlert export\n{"SystemAlertId":"a"}\n{"SystemAlertId":"b"}\n'],
    ['\u0000\u0001junk\n{"SystemAlertId":"a"}\n'],
    ['"SystemAlertId":"a"}\n{"SystemAlertId":"b"}\n'],
    ['{"SystemAl\n{"SystemAlertId":"b"}\n'],
    ['{\n{"SystemAlertId":"a"}\n{"SystemAlertId":"b"}\n'],
    ['{"SystemAlertId":"a","Entities":"[{\\"$id\\n{"SystemAlertId":"b"}\n{"SystemAlertId":"c"}\n'],
  ])("reads %j as JSON lines", (text) => {
    expect(detect(text)).toEqual({ format: "jsonl" });
  });

  it.each([
    ["TimeGenerated,SystemAlertId,Entities\n2026-11-20T00:00:00Z,a,[]\n"],
    ['"TimeGenerated [UTC]",SystemAlertId,Entities\n{"x":1},a,[]\n{"y":2},b,[]\n'],
    ["TimeGenerated,SystemAlertId\n"],
  ])("still reads a CSV export as CSV: %j", (text) => {
    expect(detect(text)).toEqual({ format: "csv" });
  });
});

describe("detectExportFormat and encodings", () => {
  it.each([
    [
      "UTF-16 LE with BOM",
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("[]", "utf16le")]),
      /^UTF-16 LE text \(byte order mark FF FE\)/,
    ],
    [
      "UTF-16 BE with BOM",
      Buffer.from([0xfe, 0xff, 0x00, 0x5b, 0x00, 0x5d]),
      /^UTF-16 BE text \(byte order mark FE FF\)/,
    ],
    [
      "UTF-16 LE without BOM",
      Buffer.from("SystemAlertId", "utf16le"),
      /^UTF-16 LE text \(no byte order mark\)/,
    ],
    [
      "UTF-16 BE without BOM",
      Buffer.from("SystemAlertId", "utf16le").swap16(),
      /^UTF-16 BE text \(no byte order mark\)/,
    ],
  ])("refuses %s, saying what to do", (_name, bytes, reason) => {
    const guess = detect(bytes);
    expect(guess.format).toBe("unsupported");
    expect("reason" in guess && guess.reason).toMatch(reason);
    expect("reason" in guess && guess.reason).toMatch(/expected UTF-8; save it as UTF-8/);
  });

  // Regression: any NUL byte in the first 1,024 bytes made the whole file "UTF-16" and refused it, so one damaged
  // line of a JSON-lines export lost every good alert in the file.
  // Regression: IIS pads a log it stopped writing abruptly with NULs and goes on after them when it starts again;
  // 4 KiB of them in the first 1,024 bytes made the log "UTF-16" and refused it, every good row lost.
  it.each([
    ["after two lines", "#Software: Microsoft Internet Information Services 10.0\n#Fields: date time\n"],
    ["at the start", ""],
  ])("reads a W3C log padded with NULs %s as a W3C log", (_name, before) => {
    const bytes = Buffer.concat([
      Buffer.from(before),
      Buffer.alloc(4096),
      Buffer.from("#Software: Microsoft Internet Information Services 10.0\n"),
    ]);
    expect(detect(bytes)).toEqual({ format: "w3c" });
  });

  it("reads UTF-8 text that has a NUL byte in one line", () => {
    expect(detect('{"SystemAlertId":"a"}\n{"System\u0000AlertId":"b"}\n{"SystemAlertId":"c"}\n')).toEqual({
      format: "jsonl",
    });
  });
});
