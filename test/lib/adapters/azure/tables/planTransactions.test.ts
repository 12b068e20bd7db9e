import { describe, expect, it } from "vitest";

import { planTransactions } from "../../../../../lib/adapters/azure/tables/planTransactions.js";
import type { TableRow } from "../../../../../lib/adapters/azure/tables/tableLimits.js";

function rows(partitionKey: string, count: number, text = ""): TableRow[] {
  return Array.from({ length: count }, (_, i) => ({
    partitionKey,
    rowKey: `${partitionKey}-${i}`,
    Text: text,
  }));
}

describe("planTransactions", () => {
  it("never mixes partitions in one transaction and keeps each partition's order", () => {
    const input = [
      ...rows("record-a", 3),
      ...rows("record-b", 2),
      ...rows("record-a", 1).map((r) => ({ ...r, rowKey: "late" })),
    ];
    const plan = planTransactions(input);
    expect(plan.map((batches) => batches.map((b) => [b.partitionKey, b.rows.map((r) => r.rowKey)]))).toEqual([
      [["record-a", ["record-a-0", "record-a-1", "record-a-2", "late"]]],
      [["record-b", ["record-b-0", "record-b-1"]]],
    ]);
  });

  it("puts at most 100 actions in a transaction", () => {
    const plan = planTransactions(rows("record-a", 250));
    expect(plan).toHaveLength(1);
    expect(plan[0]?.map((batch) => batch.rows.length)).toEqual([100, 100, 50]);
  });

  it("starts a new transaction before the request body would pass ~3.5 MiB", () => {
    const plan = planTransactions(rows("record-a", 7, "x".repeat(950_000)));
    expect(plan[0]?.map((batch) => batch.rows.length)).toEqual([3, 3, 1]);
  });

  it("gives an entity bigger than the budget a transaction of its own rather than dropping it", () => {
    const plan = planTransactions(rows("record-a", 2, "x".repeat(4_000_000)));
    expect(plan[0]?.map((batch) => batch.rows.length)).toEqual([1, 1]);
  });

  it("plans nothing for no entities", () => {
    expect(planTransactions([])).toEqual([]);
  });
});
