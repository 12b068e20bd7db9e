import { setTimeout as sleep } from "node:timers/promises";

import { describe, expect, it } from "vitest";

import { mapWithConcurrency } from "../../../../../lib/adapters/azure/tables/mapWithConcurrency.js";

describe("mapWithConcurrency", () => {
  it("returns results in input order with never more than the limit in flight", async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapWithConcurrency([5, 1, 4, 2, 3, 1, 2], 3, async (ms, index) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await sleep(ms);
      inFlight--;
      return `${index}:${ms}`;
    });
    expect(results).toEqual(["0:5", "1:1", "2:4", "3:2", "4:3", "5:1", "6:2"]);
    expect(most).toBe(3);
  });

  it("starts nothing new after a failure, lets the calls in flight finish, then throws the first error", async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const failure = mapWithConcurrency([0, 1, 2, 3, 4, 5], 2, async (item) => {
      started.push(item);
      if (item === 1) throw new Error("item 1 failed");
      await sleep(10);
      finished.push(item);
      return item;
    });
    await expect(failure).rejects.toThrow("item 1 failed");
    expect(started).toEqual([0, 1]);
    expect(finished).toEqual([0]);
  });

  it("refuses a limit that is not a positive integer", async () => {
    await expect(mapWithConcurrency([1], 0, () => Promise.resolve(1))).rejects.toThrow(RangeError);
  });
});
