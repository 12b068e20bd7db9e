import { describe, expect, it } from "vitest";

import { InputError } from "../../../../lib/core/errors.js";
import { decodeAlertText } from "../../../../lib/readers/alerts/decodeAlertText.js";

describe("decodeAlertText", () => {
  it("reads UTF-8 and drops a byte order mark", () => {
    expect(decodeAlertText("a.csv", Buffer.from("\uFEFFSystemAlertId,Name\nx,Açaí\n"))).toBe(
      "SystemAlertId,Name\nx,Açaí\n",
    );
  });

  it.each([
    ["UTF-16 LE with BOM", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("[]", "utf16le")])],
    ["UTF-16 BE with BOM", Buffer.from([0xfe, 0xff, 0x00, 0x5b, 0x00, 0x5d])],
    ["UTF-16 LE without BOM", Buffer.from("SystemAlertId", "utf16le")],
  ])("refuses %s", (_name, bytes) => {
    expect(() => decodeAlertText("a.csv", bytes)).toThrow(InputError);
    expect(() => decodeAlertText("a.csv", bytes)).toThrow(
      /^cannot read alert input a\.csv: looks UTF-16 encoded, which is not supported: save it as UTF-8/,
    );
  });
});

// Regression: any NUL byte in the first 1,024 bytes made the whole file "UTF-16" and refused it, so one damaged
// line of a JSON-lines export lost every good alert in the file.
describe("decodeAlertText with a stray NUL", () => {
  it("reads UTF-8 text that has a NUL byte in one line", () => {
    const text = '{"SystemAlertId":"a"}\n{"System\u0000AlertId":"b"}\n{"SystemAlertId":"c"}\n';
    expect(decodeAlertText("a.jsonl", Buffer.from(text))).toBe(text);
  });
});
