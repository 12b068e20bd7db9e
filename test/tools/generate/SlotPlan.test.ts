import { describe, expect, it } from "vitest";

import { Random } from "../../../tools/generate/Random.js";
import { SLOT_MS, SlotPlan } from "../../../tools/generate/SlotPlan.js";

const start = Date.UTC(2026, 10, 20);
const DAY = 86_400_000;

describe("SlotPlan", () => {
  it("guards a taken slot on its host only, and keeps rare pages out of it and its neighbours", () => {
    const slots = new SlotPlan(start, start + 2 * DAY);
    const index = slots.take(new Random(1), ["web01"]);
    const at = slots.slotStart(index) + 7 * 60_000;
    expect(slots.isGuarded("web01", at)).toBe(true);
    expect(slots.isGuarded("web02", at)).toBe(false);
    expect(slots.allowsRare("web01", at - SLOT_MS)).toBe(false);
    expect(slots.allowsRare("web01", at + SLOT_MS)).toBe(false);
    expect(slots.allowsRare("web01", at + 2 * SLOT_MS)).toBe(true);
    expect(slots.allowsRare("web02", at)).toBe(true);
  });

  it("never gives out the first slot or the last four hours, nor a slot twice", () => {
    const slots = new SlotPlan(start, start + DAY);
    const random = new Random(2);
    const taken = Array.from({ length: slots.usable }, () => slots.take(random, ["web01"]));
    expect(new Set(taken).size).toBe(taken.length);
    expect(Math.min(...taken)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...taken.map((i) => slots.slotStart(i) + SLOT_MS))).toBeLessThanOrEqual(
      start + DAY - 4 * 3_600_000,
    );
    expect(() => slots.take(random, ["web01"])).toThrow(/no free 20-minute slot left on web01/);
  });

  it("takes a slot free on every listed host", () => {
    const slots = new SlotPlan(start, start + DAY);
    const random = new Random(3);
    for (let i = 0; i < slots.usable - 1; i++) slots.take(random, ["web01"]);
    const both = slots.take(random, ["web01", "web02"]);
    expect(slots.isGuarded("web02", slots.slotStart(both))).toBe(true);
  });
});
