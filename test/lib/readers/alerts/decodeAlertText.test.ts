import { describe, expect, it } from "vitest";

import { AlertInputError } from "../../../../lib/core/AlertInputError.js";
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
    expect(() => decodeAlertText("a.csv", bytes)).toThrow(AlertInputError);
    expect(() => decodeAlertText("a.csv", bytes)).toThrow(
      /^a\.csv: looks UTF-16 encoded, which is not supported: save it as UTF-8/,
    );
  });
});
