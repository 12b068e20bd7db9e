import { describe, expect, it } from "vitest";

import { Diagnostics } from "../../../../lib/core/Diagnostics.js";
import { parseW3cText } from "../../../../lib/readers/w3c/parseW3cText.js";

function times(lines: string[]): (number | string)[] {
  const diagnostics = new Diagnostics(100);
  const text = ["#Fields: date time cs-uri-stem", ...lines].join("\n");
  const { requests } = parseW3cText(text, { source: "t.log", diagnostics });
  const skipped = diagnostics.inputs.get("t.log")?.examples.map((s) => `skip ${s.line}`) ?? [];
  return [...requests.map((r) => r.TimeGenerated), ...skipped];
}

describe("parseW3cText (the reference W3C parser)", () => {
  it("reads the W3C time forms hh:mm, hh:mm:ss and a fraction truncated to milliseconds, as UTC", () => {
    expect(times(["2023-04-18 16:20 /a", "2023-04-18 16:20:01 /a", "2023-04-18 16:20:01.0537 /a"])).toEqual([
      Date.UTC(2023, 3, 18, 16, 20),
      Date.UTC(2023, 3, 18, 16, 20, 1),
      Date.UTC(2023, 3, 18, 16, 20, 1, 53),
    ]);
  });

  it("accepts February 29th in leap years only, and keeps two-digit years as they are", () => {
    const year99 = new Date(0);
    year99.setUTCFullYear(99, 0, 1);
    expect(times(["2024-02-29 00:00:00 /a", "2023-02-29 00:00:00 /a", "0099-01-01 00:00:00 /a"])).toEqual([
      Date.UTC(2024, 1, 29),
      year99.getTime(),
      "skip 3",
    ]);
  });

  it("refuses out-of-range and malformed times", () => {
    expect(
      times(["2023-04-18 24:00:00 /a", "2023-04-18 12:60 /a", "2023-04-18 1:00:00 /a", "2023-4-18 10:00 /a"]),
    ).toEqual(["skip 2", "skip 3", "skip 4", "skip 5"]);
  });
});

describe("parseW3cText on logs joined into one file", () => {
  it("reads a byte order mark on any line as the start of a file, not as data", () => {
    const text =
      "#Fields: date time cs-uri-stem c-ip\n2023-04-18 10:00:00 /home.aspx 192.0.2.1\n" +
      "\uFEFF#Fields: date time c-ip cs-uri-stem\n\uFEFF2023-04-18 10:00:01 198.51.100.7 /shell.aspx\n";
    const diagnostics = new Diagnostics(100);
    const { requests, counts } = parseW3cText(text, { source: "t.log", diagnostics });
    expect(requests.map((r) => [r.csUriStem, r.cIP])).toEqual([
      ["/home.aspx", "192.0.2.1"],
      ["/shell.aspx", "198.51.100.7"],
    ]);
    expect(counts).toMatchObject({ read: 2, skipped: 0 });
  });
});
