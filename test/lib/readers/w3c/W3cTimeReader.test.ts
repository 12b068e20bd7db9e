import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { parseW3cDateTimeBytes } from "../../../../lib/readers/w3c/parseW3cDateTimeBytes.js";
import { W3cTimeReader } from "../../../../lib/readers/w3c/W3cTimeReader.js";

const date = fc.oneof(
  fc.constantFrom(
    "2026-11-20",
    "2026-11-21",
    "2024-02-29",
    "2023-02-29",
    "2026-13-01",
    "0099-01-01",
    "-",
    "",
  ),
  fc
    .date({ min: new Date(0), max: new Date(4102444800000), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10)),
);
const time = fc.constantFrom(
  "00:00:00",
  "23:59:59",
  "12:30",
  "12:00:00.1234",
  "24:00:00",
  "1:00:00",
  "-",
  "12:00:00.",
);

describe("W3cTimeReader", () => {
  it("reads every line's date and time as parseW3cDateTimeBytes does, while remembering the last date", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(date, time), { maxLength: 40 }), (lines) => {
        const reader = new W3cTimeReader();
        for (const [d, t] of lines) {
          const bytes = Buffer.from(`${d} ${t}`);
          const args = [bytes, 0, d.length, d.length + 1, bytes.length] as const;
          expect(reader.read(...args)).toBe(parseW3cDateTimeBytes(...args));
        }
      }),
      { numRuns: 500 },
    );
  });

  it("reads a date that differs from the last one only in its first digit", () => {
    const reader = new W3cTimeReader();
    const read = (text: string) => reader.read(Buffer.from(text), 0, 10, 11, text.length);
    expect(read("2026-11-20 10:00:00")).toBe(Date.UTC(2026, 10, 20, 10));
    expect(read("1026-11-20 10:00:00")).toBe(
      parseW3cDateTimeBytes(Buffer.from("1026-11-20 10:00:00"), 0, 10, 11, 19),
    );
  });
});
