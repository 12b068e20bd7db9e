import { stringify } from "csv-stringify/sync";

import { RECORD_COLUMNS } from "../../../core/records/columns.js";
import type { EnrichmentRecord } from "../../../core/records/EnrichmentRecord.js";
import { formatJsonRecord } from "../../../core/records/formatJsonRecord.js";
import { toJsonRecord } from "../../../core/records/toJsonRecord.js";
import { neutralizeCsvFormula } from "./escapeForOutput.js";
import { TableFormatter } from "./formatTable.js";

export type RecordFormat = "table" | "jsonl" | "json" | "csv";

/**
 * One output format, as text made one record at a time (`writeRecords` puts it on a stream): the records of a run
 * can outgrow any string, so no format ever holds them all. A format may hold a few back (the table measures its
 * first rows for column widths) and must give them out by `end`.
 */
export interface RecordFormatter {
  /** Text before the first record. */
  start(): string;
  /** Text of the next record ("" while the format holds it back). */
  record(record: EnrichmentRecord): string;
  /** Text after the last record, with whatever was held back. */
  end(): string;
}

/**
 * The formatter of an output format. JSONL, JSON and CSV carry exactly the schema's columns (datetimes as ISO 8601
 * UTC); CSV writes dynamic columns as JSON and neutralises formula-looking cells; the table is for people and
 * shortens long values to `width`.
 */
export function createRecordFormatter(format: RecordFormat, width = 160): RecordFormatter {
  switch (format) {
    case "jsonl": {
      const json = formatJsonRecord();
      return { start: () => "", record: (r) => json(r) + "\n", end: () => "" };
    }
    case "json":
      return new JsonArrayFormatter();
    case "csv":
      return {
        start: () => stringify([], { header: true, columns: COLUMN_NAMES }),
        record: (r) => stringify([toCsvRow(r)], { columns: COLUMN_NAMES }),
        end: () => "",
      };
    case "table":
      return new TableFormatter(width);
  }
}

const COLUMN_NAMES = RECORD_COLUMNS.map((column) => column.name);

/** A JSON array, indented by two as `JSON.stringify(records, null, 2)` writes it, one element at a time. */
class JsonArrayFormatter implements RecordFormatter {
  private count = 0;

  start(): string {
    return "[";
  }

  record(record: EnrichmentRecord): string {
    // JSON escapes line breaks inside strings, so every "\n" of the text is between two lines of the layout.
    const element = JSON.stringify(toJsonRecord(record), null, 2).replaceAll("\n", "\n  ");
    return `${this.count++ === 0 ? "" : ","}\n  ${element}`;
  }

  end(): string {
    return this.count === 0 ? "]\n" : "\n]\n";
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
