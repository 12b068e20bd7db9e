import { describe, expect, it } from "vitest";

import { estimateRequestBytes } from "../../../../../lib/adapters/azure/tables/estimateEntityBytes.js";
import { TABLE_LIMITS } from "../../../../../lib/adapters/azure/tables/tableLimits.js";
import { truncateForTable } from "../../../../../lib/adapters/azure/tables/truncateForTable.js";

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
