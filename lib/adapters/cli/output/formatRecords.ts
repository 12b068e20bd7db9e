import { stringify } from "csv-stringify/sync";

import { RECORD_COLUMNS } from "../../../core/records/columns.js";
import type { EnrichmentRecord } from "../../../core/records/EnrichmentRecord.js";
import { toJsonRecord } from "../../../core/records/toJsonRecord.js";
import { neutralizeCsvFormula } from "./escapeForOutput.js";
import { formatTable } from "./formatTable.js";

export type RecordFormat = "table" | "jsonl" | "json" | "csv";

/**
 * Renders records in one of the output formats. JSONL, JSON and CSV carry exactly the schema's columns (datetimes
 * as ISO 8601 UTC); CSV writes dynamic columns as JSON and neutralises formula-looking cells; the table is for
 * people and shortens long values to `width`.
 */
export function formatRecords(
  records: readonly EnrichmentRecord[],
  format: RecordFormat,
  width = 160,
): string {
  switch (format) {
    case "jsonl":
      return records.map((record) => JSON.stringify(toJsonRecord(record)) + "\n").join("");
    case "json":
      return JSON.stringify(records.map(toJsonRecord), null, 2) + "\n";
    case "csv":
      return stringify(records.map(toCsvRow), {
        header: true,
        columns: RECORD_COLUMNS.map((column) => column.name),
      });
    case "table":
      return formatTable(records, width);
  }
}

function toCsvRow(record: EnrichmentRecord): Record<string, string> {
  const json = toJsonRecord(record);
  const row: Record<string, string> = {};
  for (const column of RECORD_COLUMNS) {
    const value = json[column.name];
    const text =
      value === null || value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);
    row[column.name] = neutralizeCsvFormula(text);
  }
  return row;
}
