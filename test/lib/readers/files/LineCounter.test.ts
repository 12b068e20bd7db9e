import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { LineCounter } from "../../../../lib/readers/files/LineCounter.js";

describe("LineCounter", () => {
  it("counts the LFs before any offset, however the stream was cut", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom("a", "\n", "\r", "é") }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (text, cutSeeds, offsetSeeds) => {
          const bytes = Buffer.from(text);
          const cuts = [...new Set(cutSeeds.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const counter = new LineCounter();
          let from = 0;
          for (const cut of [...cuts, bytes.length]) {
            counter.add(bytes.subarray(from, cut));
            from = cut;
          }
          const offsets = offsetSeeds.map((o) => o % (bytes.length + 1)).sort((a, b) => a - b);
          for (const offset of offsets) {
            const expected = bytes.subarray(0, offset).filter((b) => b === 0x0a).length;
            expect(counter.linesBefore(offset)).toBe(expected);
          }
        },
      ),
    );
  });
});
