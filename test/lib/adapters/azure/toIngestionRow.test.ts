import { describe, expect, it } from "vitest";

import {
  MAX_COLUMN_CHARS,
  MAX_ROW_BYTES,
  toIngestionRow,
} from "../../../../lib/adapters/azure/toIngestionRow.js";
import { aRecord } from "./tables/aRecord.js";

const bytesOf = (row: unknown) => Buffer.byteLength(JSON.stringify(row), "utf8");

describe("toIngestionRow", () => {
  it("keeps a normal record as its JSON columns", () => {
    const row = toIngestionRow(aRecord);
    expect(row.ProcessCommandLine).toBe(aRecord.ProcessCommandLine);
    expect(row.Attacker).toEqual(aRecord.Attacker);
    expect(row.Evidence).toEqual(aRecord.Evidence);
  });

  it("cuts a long command line to 32,000 characters with a marker", () => {
    const row = toIngestionRow({ ...aRecord, ProcessCommandLine: "A".repeat(100_000) });
    expect(row.ProcessCommandLine).toHaveLength(MAX_COLUMN_CHARS);
    expect(row.ProcessCommandLine).toMatch(/…\[truncated 68\d{3} chars\]$/);
  });

  // Regression: each column was capped at 32,000 characters, but a character JSON escapes costs 6 bytes, so a
  // record of hostile text became a row of megabytes that the SDK sends alone and the service refuses (413); the
  // record then stayed pending and held the watermark on every later run.
  it("bounds the whole row below the service's 1 MB per call, whatever the text", () => {
    const hostile = '\u0001\u0002"\\'.repeat(100_000);
    const record = {
      ...aRecord,
      AlertName: hostile,
      DnsDomain: hostile,
      ShellLocation: hostile,
      ShellName: hostile,
      ShellDirectory: hostile,
      ProcessName: hostile,
      ProcessCommandLine: hostile,
      ParentProcessName: hostile,
      AttackerUserAgents: [hostile, hostile],
      Attacker: { [aRecord.AttackerIP]: hostile },
    };
    const row = toIngestionRow(record);
    expect(bytesOf(row)).toBeLessThanOrEqual(MAX_ROW_BYTES);
    expect(row.RecordId).toBe(aRecord.RecordId);
    expect(row.ProcessCommandLine).toMatch(/…\[truncated \d+ chars\]$/);
    // Every cut starts from the full text: one marker, counting everything that went.
    expect(String(row.ProcessCommandLine).match(/…\[truncated/g)).toHaveLength(1);
  });

  it("leaves a row that fits alone even when its columns are near 32,000 characters", () => {
    const row = toIngestionRow({ ...aRecord, ProcessCommandLine: "é".repeat(31_000) });
    expect(row.ProcessCommandLine).toBe("é".repeat(31_000));
  });
});
