import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { DistinctIpBaseline } from "../../../../lib/core/correlate/DistinctIpBaseline.js";

describe("DistinctIpBaseline", () => {
  it("counts distinct addresses per key, up to its cap", () => {
    const baseline = new DistinctIpBaseline(4);
    for (const ip of ["a", "b", "a", "c", "d", "e", "f"]) baseline.add("/x.aspx", ip);
    baseline.add("/y.aspx", "a");
    expect(baseline.count("/x.aspx")).toBe(4);
    expect(baseline.count("/y.aspx")).toBe(1);
    expect(baseline.count("/z.aspx")).toBe(0);
    expect(baseline.size).toBe(2);
  });

  it("finds a key by its UTF-8 bytes as by its text, and says when it is full", () => {
    const baseline = new DistinctIpBaseline(2);
    const line = Buffer.from("GET /Ünï.aspx 200");
    const key = baseline.keyOfBytes(line, 4, 4 + Buffer.byteLength("/Ünï.aspx"));
    expect(baseline.keyOf("/Ünï.aspx")).toBe(key);
    baseline.addCode(key, baseline.codes.ofText("203.0.113.7"));
    expect(baseline.full(key)).toBe(false);
    baseline.add("/Ünï.aspx", "203.0.113.7");
    baseline.add("/Ünï.aspx", "2001:db8::7");
    expect(baseline.full(key)).toBe(true);
    expect(baseline.count("/Ünï.aspx")).toBe(2);
  });

  it("takes the larger of a counted and a computed count", () => {
    const baseline = new DistinctIpBaseline(4);
    baseline.add("/x.aspx", "a");
    baseline.setCount("/x.aspx", 3);
    baseline.setCount("/x.aspx", 2);
    baseline.setCount("/y.aspx", 7);
    expect(baseline.count("/x.aspx")).toBe(3);
    expect(baseline.count("/y.aspx")).toBe(7);
    expect(baseline.size).toBe(2);
  });

  const address = fc.oneof(
    fc.ipV4(),
    fc.ipV6(),
    fc.constantFrom("", "-", "010.1.1.1", "10.1.1.1 ", "256.1.1.1", "1.2.3"),
  );
  const operations = fc.array(fc.tuple(fc.constantFrom("/a", "/b", "/C", "/é", ""), address), {
    maxLength: 60,
  });

  it.each([1, 4, 9])("counts as a Map of sets of address texts would, with cap %i", (cap) => {
    fc.assert(
      fc.property(operations, (adds) => {
        // One key: under a fresh one, two of the addresses would share a 32-bit tag once in millions of runs.
        const baseline = new DistinctIpBaseline(cap, [0x5eed, cap]);
        const model = new Map<string, Set<string>>();
        for (const [key, ip] of adds) {
          baseline.add(key, ip);
          const set = model.get(key) ?? new Set();
          if (set.size < cap) set.add(ip);
          model.set(key, set);
        }
        for (const key of ["/a", "/b", "/C", "/é", "", "/none"])
          expect(baseline.count(key)).toBe(model.get(key)?.size ?? 0);
      }),
    );
  });

  it("merges another baseline's snapshot as the union of the two, still capped", () => {
    fc.assert(
      fc.property(operations, operations, fc.integer({ min: 1, max: 6 }), (left, right, cap) => {
        const hashKey = [0x5eed, cap] as const; // baselines that merge share one
        const [a, b, both] = [0, 1, 2].map(() => new DistinctIpBaseline(cap, hashKey)) as [
          DistinctIpBaseline,
          DistinctIpBaseline,
          DistinctIpBaseline,
        ];
        for (const [key, ip] of left) [a, both].forEach((baseline) => baseline.add(key, ip));
        for (const [key, ip] of right) [b, both].forEach((baseline) => baseline.add(key, ip));
        b.setCount("/counted", 5);
        const keys = ["/a", "/b", "/C", "/é", "", "/none"];
        a.merge(structuredClone(b.snapshot([...keys, "/counted"])));
        for (const key of keys) expect(a.count(key)).toBe(both.count(key));
        expect(a.count("/counted")).toBe(5);
      }),
    );
  });

  it("merges the snapshot of some keys: theirs are the union, the others stay as they were", () => {
    const keys = ["/a", "/b", "/C", "/é", "", "/none", "/counted"];
    fc.assert(
      fc.property(
        operations,
        operations,
        fc.subarray(keys),
        fc.integer({ min: 1, max: 6 }),
        (left, right, asked, cap) => {
          const hashKey = [cap, 0x5eed] as const;
          const [a, before, b, both] = [0, 1, 2, 3].map(() => new DistinctIpBaseline(cap, hashKey)) as [
            DistinctIpBaseline,
            DistinctIpBaseline,
            DistinctIpBaseline,
            DistinctIpBaseline,
          ];
          for (const [key, ip] of left) [a, before, both].forEach((baseline) => baseline.add(key, ip));
          for (const [key, ip] of right) [b, both].forEach((baseline) => baseline.add(key, ip));
          [b, both].forEach((baseline) => baseline.setCount("/counted", 5));
          a.merge(structuredClone(b.snapshot(asked)));
          for (const key of keys)
            expect(a.count(key)).toBe(asked.includes(key) ? both.count(key) : before.count(key));
        },
      ),
    );
  });
});
