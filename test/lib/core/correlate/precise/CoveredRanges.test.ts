import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { CoveredRanges } from "../../../../../lib/core/correlate/precise/CoveredRanges.js";

describe("CoveredRanges", () => {
  it("gives the parts of a range not covered yet", () => {
    const covered = new CoveredRanges();
    expect(covered.cover(2, 5)).toEqual([[2, 5]]);
    expect(covered.cover(8, 10)).toEqual([[8, 10]]);
    expect(covered.cover(0, 12)).toEqual([
      [0, 2],
      [5, 8],
      [10, 12],
    ]);
    expect(covered.cover(3, 11)).toEqual([]);
    expect(covered.has(0)).toBe(true);
    expect(covered.has(12)).toBe(false);
  });

  it("agrees with a set of positions on any sequence of ranges", () => {
    const range = fc.tuple(fc.nat(40), fc.nat(10)).map(([from, length]) => [from, from + length] as const);
    fc.assert(
      fc.property(fc.array(range, { maxLength: 30 }), (ranges) => {
        const covered = new CoveredRanges();
        const model = new Set<number>();
        for (const [from, to] of ranges) {
          const fresh = covered
            .cover(from, to)
            .flatMap(([a, b]) => Array.from({ length: b - a }, (_, i) => a + i));
          const expected = Array.from({ length: to - from }, (_, i) => from + i).filter((p) => !model.has(p));
          expect(fresh).toEqual(expected);
          for (const p of expected) model.add(p);
        }
        for (let p = 0; p < 52; p++) expect(covered.has(p)).toBe(model.has(p));
      }),
    );
  });
});
