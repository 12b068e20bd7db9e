import { describe, expect, it } from "vitest";

import {
  estimateEntityBytes,
  estimateRequestBytes,
  TABLE_LIMITS,
} from "../../../../../lib/adapters/azure/tables/tableLimits.js";
import { toLedgerEntity, toLedgerKey } from "../../../../../lib/adapters/azure/tables/toLedgerEntity.js";
import type { EnrichmentRecord, EvidenceRequest } from "../../../../../lib/core/records/EnrichmentRecord.js";
import { aCompatRecord, aRecord } from "./aRecord.js";

const NOW = Date.parse("2026-11-20T13:22:00Z");
const PENDING = { state: "pending", since: NOW } as const;
const MARKER = /…\[truncated (\d+) chars\]$/;

function stringProperties(row: Record<string, unknown>): [string, string][] {
  return Object.entries(row).filter((entry): entry is [string, string] => typeof entry[1] === "string");
}

describe("toLedgerKey", () => {
  it("partitions by the id's first character, so a record's key never depends on its times", () => {
    expect(toLedgerKey("0f3a9c1e5b7d2a4c6e8f0a1b3c5d7e9f")).toEqual({
      partitionKey: "record-0",
      rowKey: "0f3a9c1e5b7d2a4c6e8f0a1b3c5d7e9f",
    });
    expect(toLedgerKey("/x#y")).toEqual({ partitionKey: "record-%2F", rowKey: "%2Fx%23y" });
  });
});

describe("toLedgerEntity", () => {
  it("writes every column: datetimes as Date, dynamic as JSON text, ints as numbers, plus the pending state", () => {
    const row = toLedgerEntity(aRecord, PENDING);
    expect(row).toEqual({
      partitionKey: `record-${aRecord.RecordId[0]}`,
      rowKey: aRecord.RecordId,
      TimeGenerated: new Date(aRecord.TimeGenerated),
      RecordId: aRecord.RecordId,
      MatchMode: "precise",
      SystemAlertId: aRecord.SystemAlertId,
      AlertName: aRecord.AlertName,
      AlertTime: new Date(aRecord.AlertTime ?? Number.NaN),
      HostName: "web01",
      DnsDomain: "contoso.local",
      Sites: '["W3SVC1"]',
      ShellLocation: "/uploads/help.aspx",
      ShellName: "help.aspx",
      ShellDirectory: "/uploads/",
      ProcessName: "cmd.exe",
      ProcessCommandLine: aRecord.ProcessCommandLine,
      ProcessId: "8812",
      ProcessCreationTime: new Date(aRecord.ProcessCreationTime ?? Number.NaN),
      ParentProcessName: "w3wp.exe",
      ProcessSource: "SecurityAlert",
      AttackerIP: "203.0.113.77",
      AttackerUserAgents: JSON.stringify(aRecord.AttackerUserAgents),
      Attacker: JSON.stringify(aRecord.Attacker),
      RequestCount: 1,
      FirstRequestTime: new Date(aRecord.FirstRequestTime ?? Number.NaN),
      LastRequestTime: new Date(aRecord.LastRequestTime ?? Number.NaN),
      PageDistinctIPs: 1,
      Evidence: JSON.stringify(aRecord.Evidence),
      EnrichedAt: new Date(aRecord.EnrichedAt),
      LedgerState: "pending",
      PendingSince: new Date(NOW),
    });
  });

  it("leaves out the columns a compat record does not have", () => {
    const row = toLedgerEntity(aCompatRecord, PENDING);
    for (const column of [
      "AlertTime",
      "ProcessCreationTime",
      "RequestCount",
      "FirstRequestTime",
      "LastRequestTime",
    ]) {
      expect(row).not.toHaveProperty(column);
    }
    expect(row.MatchMode).toBe("compat");
  });

  it("marks an ingested record with IngestedAt and no PendingSince", () => {
    const row = toLedgerEntity(aRecord, { state: "ingested", at: NOW + 5000 });
    expect(row.LedgerState).toBe("ingested");
    expect(row.IngestedAt).toEqual(new Date(NOW + 5000));
    expect(row).not.toHaveProperty("PendingSince");
  });

  it("stores a 1 MB command line truncated to 32,768 characters with a marker, the other columns intact", () => {
    const command = `powershell.exe -enc ${"QQBBAEEA".repeat(131_072)}`;
    const row = toLedgerEntity({ ...aRecord, ProcessCommandLine: command }, PENDING);
    const stored = row.ProcessCommandLine as string;
    expect(stored.length).toBeLessThanOrEqual(32_768);
    expect(Number(MARKER.exec(stored)?.[1])).toBe(command.length - stored.replace(MARKER, "").length);
    expect(command.startsWith(stored.replace(MARKER, ""))).toBe(true);
    expect(row.Evidence).toBe(JSON.stringify(aRecord.Evidence));
    expect(row.HostName).toBe("web01");
    expect(estimateEntityBytes(row)).toBeLessThanOrEqual(TABLE_LIMITS.entityBudgetBytes);
  });

  it("fits a record whose every string is 1 MB under the entity budget, Evidence and the command line first", () => {
    const huge = (char: string) => char.repeat(1_048_576);
    const evidence: EvidenceRequest = { ...(aRecord.Evidence[0] as EvidenceRequest), userAgent: huge("u") };
    const record = {
      ...aRecord,
      MatchMode: huge("m"),
      SystemAlertId: huge("s"),
      AlertName: huge("a"),
      HostName: huge("h"),
      DnsDomain: huge("d"),
      Sites: [huge("w")],
      ShellLocation: huge("/"),
      ShellName: huge("n"),
      ShellDirectory: huge("r"),
      ProcessName: huge("p"),
      ProcessCommandLine: huge("c"),
      ProcessId: huge("9"),
      ParentProcessName: huge("q"),
      ProcessSource: huge("o"),
      AttackerIP: huge("i"),
      AttackerUserAgents: [huge("g")],
      Attacker: { [huge("k")]: huge("v") },
      Evidence: [evidence, evidence],
    } as unknown as EnrichmentRecord;

    const row = toLedgerEntity(record, PENDING);

    expect(estimateEntityBytes(row)).toBeLessThanOrEqual(TABLE_LIMITS.entityBudgetBytes);
    expect(estimateRequestBytes(row)).toBeLessThan(TABLE_LIMITS.transactionBudgetBytes);
    expect(row.rowKey).toBe(aRecord.RecordId);
    expect(row.RecordId).toBe(aRecord.RecordId);
    expect(row.LedgerState).toBe("pending");
    expect(row.PendingSince).toEqual(new Date(NOW));
    const strings = stringProperties(row).filter(
      ([name]) => !["partitionKey", "rowKey", "RecordId", "LedgerState"].includes(name),
    );
    expect(strings).toHaveLength(18);
    for (const [, value] of strings) {
      expect(value.length).toBeLessThanOrEqual(32_768);
      expect(value).toMatch(MARKER);
    }
    expect((row.Evidence as string).length).toBeLessThanOrEqual(TABLE_LIMITS.shrinkFloorChars);
    expect((row.ProcessCommandLine as string).length).toBeLessThanOrEqual(TABLE_LIMITS.shrinkFloorChars);
  });

  it("keeps hostile control characters within the transaction body budget too", () => {
    const control = "\u0001".repeat(1_048_576);
    const record = { ...aRecord, ProcessCommandLine: control, AlertName: control, HostName: control };
    const row = toLedgerEntity(record, PENDING);
    // Each control character is 6 bytes of JSON (\u0001): 3 × 32,768 of them are ~590 KB on the wire.
    expect(estimateRequestBytes(row)).toBeGreaterThan(500_000);
    expect(estimateRequestBytes(row)).toBeLessThan(TABLE_LIMITS.transactionBudgetBytes);
    expect(estimateEntityBytes(row)).toBeLessThanOrEqual(TABLE_LIMITS.entityBudgetBytes);
  });
});
