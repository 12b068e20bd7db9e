import fc from "fast-check";
import { describe, expect, it } from "vitest";

import {
  estimateEntityBytes,
  estimateRequestBytes,
  TABLE_LIMITS,
  type TableRow,
} from "../../../../../lib/adapters/azure/tables/tableLimits.js";
import { truncateForTable } from "../../../../../lib/adapters/azure/tables/truncateForTable.js";

const POLICY = { shrinkFirst: ["Evidence", "ProcessCommandLine"], neverShrink: ["RecordId"] };
const MARKER = /…\[truncated (\d+) chars\]$/;

/** Checks that `after` is a prefix of `before` followed by a marker counting exactly the characters cut. */
function expectMarkedCut(before: string, after: string): void {
  const match = MARKER.exec(after);
  expect(match, `expected a truncation marker at the end of ${after.slice(-40)}`).not.toBeNull();
  const kept = after.slice(0, match?.index);
  expect(before.startsWith(kept)).toBe(true);
  expect(Number(match?.[1])).toBe(before.length - kept.length);
}

describe("truncateForTable", () => {
  it("leaves an entity within the limits as it is", () => {
    const row: TableRow = {
      partitionKey: "record-a",
      rowKey: "a1",
      Evidence: "[]",
      Count: 3,
      At: new Date(0),
    };
    expect(truncateForTable(row, POLICY)).toEqual({ row, truncated: [] });
  });

  it("cuts a string over 32,768 characters to at most 32,768, ending with a marker of how much went", () => {
    const text = "A".repeat(40_000);
    const { row, truncated } = truncateForTable({ partitionKey: "p", rowKey: "r", AlertName: text }, POLICY);
    const cut = row.AlertName as string;
    expect(cut.length).toBeLessThanOrEqual(32_768);
    expect(cut.length).toBeGreaterThan(32_700);
    expectMarkedCut(text, cut);
    expect(truncated).toEqual(["AlertName"]);
  });

  it("never cuts a surrogate pair in half", () => {
    const text = "😀".repeat(20_000);
    const { row } = truncateForTable({ partitionKey: "p", rowKey: "r", AlertName: text }, POLICY);
    const kept = (row.AlertName as string).replace(MARKER, "");
    expect(kept.length % 2).toBe(0);
    expect(kept).toBe("😀".repeat(kept.length / 2));
  });

  it("shrinks Evidence first, then the command line, then the longest other strings, to fit the entity budget", () => {
    const limits = { maxStringChars: 1000, entityBudgetBytes: 4000, shrinkFloorChars: 100 };
    const row: TableRow = {
      partitionKey: "p",
      rowKey: "r",
      ShellLocation: "s".repeat(900),
      Evidence: "e".repeat(1000),
      UserAgents: "u".repeat(950),
      ProcessCommandLine: "c".repeat(1000),
      HostName: "web01",
    };
    const { row: fitted, truncated } = truncateForTable(row, POLICY, limits);

    expect(estimateEntityBytes(fitted)).toBeLessThanOrEqual(4000);
    expect(truncated).toEqual(["Evidence", "ProcessCommandLine", "UserAgents"]);
    expect((fitted.Evidence as string).length).toBeLessThanOrEqual(100);
    expect((fitted.ProcessCommandLine as string).length).toBeLessThanOrEqual(100);
    expect((fitted.UserAgents as string).length).toBeGreaterThan(100);
    expect(fitted.ShellLocation).toBe(row.ShellLocation);
    expect(fitted.HostName).toBe("web01");
    for (const name of truncated) expectMarkedCut(row[name] as string, fitted[name] as string);
  });

  it("goes below the floor, down to the marker alone, only when the floor is not enough", () => {
    const limits = { maxStringChars: 1000, entityBudgetBytes: 185, shrinkFloorChars: 200 };
    const row: TableRow = {
      partitionKey: "p",
      rowKey: "r",
      Evidence: "e".repeat(1000),
      Other: "o".repeat(1000),
    };
    const { row: fitted } = truncateForTable(row, POLICY, limits);
    expect(estimateEntityBytes(fitted)).toBeLessThanOrEqual(185);
    expect(fitted.Evidence).toBe("…[truncated 1000 chars]");
    expect((fitted.Other as string).length).toBeLessThanOrEqual(23);
    expectMarkedCut(row.Other as string, fitted.Other as string);
  });

  it("never touches the keys, protected properties, numbers or dates", () => {
    const limits = { maxStringChars: 50, entityBudgetBytes: 100, shrinkFloorChars: 10 };
    const row: TableRow = {
      partitionKey: "p".repeat(60),
      rowKey: "r".repeat(60),
      RecordId: "i".repeat(60),
      Count: 12,
      At: new Date(0),
      Evidence: "e".repeat(60),
    };
    const { row: fitted, truncated } = truncateForTable(row, POLICY, limits);
    expect({ ...fitted, Evidence: row.Evidence }).toEqual(row);
    expect(truncated).toEqual(["Evidence"]);
  });

  it("keeps every string within its limit and every entity within budget when the floor allows it", () => {
    const limits = { maxStringChars: 300, entityBudgetBytes: 4000, shrinkFloorChars: 40 };
    const text = fc.string({ unit: fc.constantFrom("a", "é", "😀", "\u0001", '"'), maxLength: 600 });
    const names = fc.uniqueArray(fc.constantFrom("Evidence", "ProcessCommandLine", "A", "B", "C", "D", "E"), {
      minLength: 1,
    });
    fc.assert(
      fc.property(names, fc.array(text, { minLength: 7, maxLength: 7 }), (keys, values) => {
        const row: TableRow = { partitionKey: "p", rowKey: "r" };
        keys.forEach((key, i) => (row[key] = values[i] ?? ""));
        const { row: fitted, truncated } = truncateForTable(row, POLICY, limits);
        expect(estimateEntityBytes(fitted)).toBeLessThanOrEqual(limits.entityBudgetBytes);
        for (const key of keys) {
          const value = fitted[key] as string;
          expect(value.length).toBeLessThanOrEqual(limits.maxStringChars);
          if (truncated.includes(key)) expectMarkedCut(row[key] as string, value);
          else expect(value).toBe(row[key]);
        }
      }),
    );
  });
});

// Regression: entities were measured only by the service's stored-size formula (2 bytes a character). A record of
// control characters (6 bytes each as JSON) passed that check at ~900 KB but was refused by Azurite as over 1 MiB
// (`EntityTooLarge`), which failed every run on that window.
describe("truncateForTable on text that JSON escapes", () => {
  it("keeps the entity within the budget as the JSON that is sent, too", () => {
    const hostile = "\u0001\u0002\u0003\u0004\u001b".repeat(20_000);
    const row = {
      partitionKey: "record-a",
      rowKey: "a1",
      RecordId: "a1",
      AlertName: hostile,
      ProcessCommandLine: hostile,
      ProcessName: hostile,
      ProcessId: hostile,
      DnsDomain: hostile,
      ParentProcessName: hostile,
    };
    const { row: fitted, truncated } = truncateForTable(row, {
      shrinkFirst: ["ProcessCommandLine"],
      neverShrink: ["RecordId"],
    });
    expect(estimateRequestBytes(fitted)).toBeLessThanOrEqual(TABLE_LIMITS.entityBudgetBytes);
    expect(truncated).toContain("ProcessCommandLine");
    expect(fitted.RecordId).toBe("a1");
  });
});
