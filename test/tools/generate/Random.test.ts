import { describe, expect, it } from "vitest";

import { Random } from "../../../tools/generate/Random.js";

const draws = (random: Random, n = 20) => Array.from({ length: n }, () => random.nextUint32());

describe("Random", () => {
  it("repeats its sequence for the same seed and label", () => {
    expect(draws(new Random(42, "x"))).toEqual(draws(new Random(42, "x")));
  });

  it("gives different sequences for different seeds, labels and seeds above 2^32", () => {
    const base = draws(new Random(42));
    expect(draws(new Random(43))).not.toEqual(base);
    expect(draws(new Random(42, "other"))).not.toEqual(base);
    expect(draws(new Random(42 + 2 ** 32))).not.toEqual(base);
  });

  it("forks streams that do not depend on how much the parent drew", () => {
    const fresh = new Random(7);
    const used = new Random(7);
    draws(used, 1000);
    expect(draws(fresh.fork("traffic"))).toEqual(draws(used.fork("traffic")));
  });

  it("stays within the asked ranges", () => {
    const random = new Random(3);
    for (let i = 0; i < 2000; i++) {
      const x = random.next();
      expect(x >= 0 && x < 1).toBe(true);
      const n = random.between(5, 9);
      expect(n >= 5 && n <= 9 && Number.isInteger(n)).toBe(true);
    }
    expect(new Set(Array.from({ length: 500 }, () => random.int(4)))).toEqual(new Set([0, 1, 2, 3]));
  });

  it("makes version-4-shaped GUIDs and hex of the asked length", () => {
    const random = new Random(5);
    expect(random.guid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(random.hex(40)).toMatch(/^[0-9a-f]{40}$/);
  });

  it("refuses to pick from an empty list", () => {
    expect(() => new Random(1).pick([])).toThrow(RangeError);
  });
});
