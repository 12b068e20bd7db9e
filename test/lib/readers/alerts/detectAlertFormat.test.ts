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
