import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { partitionPoint } from "../../../../../lib/core/correlate/precise/partitionPoint.js";

describe("partitionPoint", () => {
  it("finds the first value from `from` on that fails the test, as a scan would", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 })),
        fc.integer({ min: 0, max: 20 }),
        fc.nat(),
        (raw, pivot, start) => {
          const values = [...raw].sort((a, b) => a - b);
          const from = Math.min(start, values.length);
          let expected = from;
          while (expected < values.length && values[expected]! < pivot) expected += 1;
          expect(partitionPoint(values, (value) => value < pivot, from)).toBe(expected);
        },
      ),
    );
  });

  it("is the length when every value passes, and `from` when none does", () => {
    expect(partitionPoint([1, 2, 3], () => true)).toBe(3);
    expect(partitionPoint([1, 2, 3], () => false, 1)).toBe(1);
    expect(partitionPoint([], () => true)).toBe(0);
  });
});
