import { describe, expect, it } from "vitest";

import { QueryError } from "../../../lib/core/errors.js";
import { queryInBatches } from "../../../lib/job/queryInBatches.js";

const tooLarge = () =>
  new QueryError(
    "The candidate requests query returned a partial result (PartialError: E_QUERY_RESULT_SET_TOO_LARGE)",
    "candidate requests",
    "tooLarge",
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
        new QueryError("The alerts query failed (403 InsufficientAccessError)", "x", "refused"),
      );
    };
    await expect(queryInBatches([1, 2, 3], 3, failing)).rejects.toThrow(/403/);
    expect(calls).toBe(1);
  });
});
