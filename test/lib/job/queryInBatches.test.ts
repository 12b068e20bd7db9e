import { describe, expect, it } from "vitest";

import { QueryError } from "../../../lib/core/errors.js";
import { isTooLargeQueryError } from "../../../lib/job/isTooLargeQueryError.js";
import { queryInBatches } from "../../../lib/job/queryInBatches.js";
import { splitWindow } from "../../../lib/job/splitWindow.js";

const tooLarge = () =>
  new QueryError(
    "The candidate requests query returned a partial result (PartialError: E_QUERY_RESULT_SET_TOO_LARGE)",
    "candidate requests",
    true,
  );

describe("queryInBatches", () => {
  it("runs items in batches of the given size", async () => {
    const batches: number[][] = [];
    await queryInBatches([1, 2, 3, 4, 5], 2, (batch) => {
      batches.push([...batch]);
      return Promise.resolve();
    });
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it("halves a batch whose answer is too large, down to what fits", async () => {
    const batches: number[][] = [];
    await queryInBatches([1, 2, 3, 4], 4, (batch) => {
      if (batch.length > 1) return Promise.reject(tooLarge());
      batches.push([...batch]);
      return Promise.resolve();
    });
    expect(batches).toEqual([[1], [2], [3], [4]]);
  });

  it("fails with the service's reason when one item alone is too large", async () => {
    await expect(queryInBatches([1], 4, () => Promise.reject(tooLarge()))).rejects.toThrow(/TOO_LARGE/);
  });

  it("does not split on other failures", async () => {
    let calls = 0;
    const failing = () => {
      calls += 1;
      return Promise.reject(
        new QueryError("The alerts query failed (403 InsufficientAccessError)", "x", false),
      );
    };
    await expect(queryInBatches([1, 2, 3], 3, failing)).rejects.toThrow(/403/);
    expect(calls).toBe(1);
  });

  it.each([
    ["E_QUERY_RESULT_SET_TOO_LARGE", true],
    ["ResponsePayloadTooLarge: the response exceeds the maximum allowed size", true],
    ["Query result set has exceeded the limit of 500000 records", true],
    ["BadArgumentError: syntax", false],
  ])("recognises %j as too large: %s", (message, expected) => {
    expect(isTooLargeQueryError(new QueryError(message, "q", true))).toBe(expected);
  });
});

describe("splitWindow", () => {
  it("splits a range into windows of at most the given size", () => {
    expect(splitWindow({ from: 0, to: 25 }, 10)).toEqual([
      { from: 0, to: 10 },
      { from: 10, to: 20 },
      { from: 20, to: 25 },
    ]);
  });

  it("gives no window for an empty range", () => {
    expect(splitWindow({ from: 10, to: 10 }, 5)).toEqual([]);
    expect(splitWindow({ from: 10, to: 0 }, 5)).toEqual([]);
  });
});
