import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { ApproximateKeySet } from "../../../../../lib/core/correlate/precise/ApproximateKeySet.js";

describe("ApproximateKeySet", () => {
  it("never says no for a key it was given", () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 200 }), (keys) => {
        const set = new ApproximateKeySet(12);
        for (const key of keys) set.add(key);
        return keys.every((key) => set.has(key));
      }),
    );
  });

  it("says yes wrongly for few keys it was not given, and for none once cleared", () => {
    const set = new ApproximateKeySet(20);
    for (let i = 0; i < 100_000; i++) set.add(`web01\u00007340\u0000${1795170930517 + i}`);
    let wrong = 0;
    for (let i = 0; i < 100_000; i++) if (set.has(`web02\u00007340\u0000${1795170930517 + i}`)) wrong += 1;
    expect(wrong / 100_000).toBeLessThan(0.03);
    set.clear();
    expect(set.has("web01\u00007340\u00001795170930517")).toBe(false);
  });
});
