import { describe, expect, it } from "vitest";

import { detectAlertFormat } from "../../../../lib/readers/alerts/detectAlertFormat.js";

describe("detectAlertFormat", () => {
  it.each([
    ["", "empty"],
    [" \r\n ", "empty"],
    ['[{"SystemAlertId":"a"}]', "json"],
    ['\n {"rows": []}\n', "json"],
    ['{"SystemAlertId":"a"}', "json"],
    ['{"SystemAlertId":"a"}\n{"SystemAlertId":"b"}\n', "jsonl"],
    ['{"SystemAlertId":"a"}\n{"SystemAl', "jsonl"],
    ['{"SystemAl\n{"SystemAlertId":"b"}\n', "jsonl"],
    ["[{", "invalid-json"],
    ['{\n  "rows": [\n', "invalid-json"],
    ["SystemAlertId,TimeGenerated\na,2023-04-18\n", "csv"],
    ['"TimeGenerated [UTC]",SystemAlertId\n', "csv"],
  ])("%j is %s", (text, kind) => {
    expect(detectAlertFormat(text).kind).toBe(kind);
  });

  it("hands over the parsed JSON value", () => {
    expect(detectAlertFormat('{"value": [1]}')).toEqual({ kind: "json", value: { value: [1] } });
  });
});

// Regression: a JSON-lines export whose first line was broken (a banner, stray bytes, a cut-off object) was taken
// for CSV, failed the header check and lost every good alert after it.
describe("detectAlertFormat with a broken first line", () => {
  it.each([
    ['SecurityAlert export\n{"SystemAlertId":"a"}\n{"SystemAlertId":"b"}\n', "jsonl"],
    ['\u0000\u0001junk\n{"SystemAlertId":"a"}\n', "jsonl"],
    ['"SystemAlertId":"a"}\n{"SystemAlertId":"b"}\n', "jsonl"],
  ])("reads %j as JSON lines", (text, kind) => {
    expect(detectAlertFormat(text).kind).toBe(kind);
  });

  it.each([
    ["TimeGenerated,SystemAlertId,Entities\n2026-11-20T00:00:00Z,a,[]\n"],
    ['"TimeGenerated [UTC]",SystemAlertId,Entities\n{"x":1},a,[]\n{"y":2},b,[]\n'],
    ["TimeGenerated,SystemAlertId\n"],
  ])("still reads a CSV export as CSV: %j", (text) => {
    expect(detectAlertFormat(text).kind).toBe("csv");
  });
});
