import { describe, expect, it } from "vitest";

import { detectIisFormat } from "../../../../lib/readers/iis/detectIisFormat.js";

const detect = (text: string | Buffer) =>
  detectIisFormat(typeof text === "string" ? Buffer.from(text) : text);

describe("detectIisFormat", () => {
  it.each([
    ["#Software: Microsoft Internet Information Services 10.0\r\n", "w3c"],
    ["\uFEFF#Software: Microsoft Internet Information Services 10.0", "w3c"],
    ['\r\n  [\n  {"TimeGenerated": "2023-04-18T16:20:01Z"}]', "json"],
    ['{"TimeGenerated":"2023-04-18T16:20:01Z"}\n', "jsonl"],
    ['TenantId,"TimeGenerated [UTC]",Computer\r\n', "csv"],
    ["\uFEFFtimegenerated,csUriStem\n", "csv"],
    ["2023-04-18 16:20:01 10.0.0.4 GET /x.aspx - 443", "w3c"], // a log cut before its header: still W3C
    ["Computer,csUriStem\nWEB01,/x.aspx", "w3c"], // no TimeGenerated header: not an export
  ])("%j is %s", (text, format) => {
    expect(detect(text)).toEqual({ format });
  });

  it("finds nothing to read in a blank file", () => {
    expect(detect("")).toEqual({ format: "empty" });
    expect(detect("\uFEFF \r\n\t\n")).toEqual({ format: "empty" });
  });

  it("refuses UTF-16 in either byte order, saying what to do", () => {
    const le = detect(Buffer.from("\uFEFF#Fields: date time", "utf16le"));
    expect(le.format).toBe("unsupported");
    expect("reason" in le && le.reason).toMatch(/^UTF-16 LE .*FF FE.*expected UTF-8/);
    const be = detect(Buffer.from([0xfe, 0xff, 0x00, 0x23]));
    expect(be.format).toBe("unsupported");
    expect("reason" in be && be.reason).toMatch(/^UTF-16 BE/);
  });
});
