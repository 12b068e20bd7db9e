import { describe, expect, it } from "vitest";

import {
  estimateEntityBytes,
  estimateRequestBytes,
} from "../../../../../lib/adapters/azure/tables/tableLimits.js";

describe("estimateEntityBytes", () => {
  it("follows the service's formula: keys and names as UTF-16, strings + 4, Int32 4, Double and DateTime 8", () => {
    const row = { partitionKey: "p", rowKey: "r", S: "ab", N: 1, F: 1.5, D: new Date(0) };
    // 4 + 2×(1+1) + Timestamp 34, then 8 + 2×1 + value for each property: "ab" 8, 1 → 4, 1.5 → 8, a date 8.
    expect(estimateEntityBytes(row)).toBe(42 + 18 + 14 + 18 + 18);
  });

  it("counts a string by UTF-16 code units whatever its characters", () => {
    const ascii = estimateEntityBytes({ partitionKey: "p", rowKey: "r", S: "aa" });
    expect(estimateEntityBytes({ partitionKey: "p", rowKey: "r", S: "😀" })).toBe(ascii);
    expect(estimateEntityBytes({ partitionKey: "p", rowKey: "r", S: "\u0001\u0002" })).toBe(ascii);
  });
});

describe("estimateRequestBytes", () => {
  it("counts the UTF-8 JSON body, where escaped control characters cost 6 bytes each", () => {
    const plain = estimateRequestBytes({ partitionKey: "p", rowKey: "r", S: "a".repeat(1000) });
    const control = estimateRequestBytes({ partitionKey: "p", rowKey: "r", S: "\u0001".repeat(1000) });
    expect(control - plain).toBe(5000);
  });

  it("adds the @odata.type annotation a datetime needs", () => {
    const text = estimateRequestBytes({ partitionKey: "p", rowKey: "r", At: "1970-01-01T00:00:00.000Z" });
    expect(estimateRequestBytes({ partitionKey: "p", rowKey: "r", At: new Date(0) })).toBeGreaterThan(
      text + 20,
    );
  });
});
