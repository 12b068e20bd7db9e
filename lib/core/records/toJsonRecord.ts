import { formatTimestamp } from "../model/parseTimestamp.js";
import { RECORD_COLUMNS } from "./columns.js";
import type { EnrichmentRecord } from "./EnrichmentRecord.js";

/** A record as JSON: exactly the schema's columns in schema order, datetimes as ISO 8601 UTC strings. */
export type JsonRecord = Record<string, unknown>;

/**
 * Turns a record into the JSON object every output writes (JSONL, JSON, the Logs Ingestion stream, the HTTP
 * answer). Column order and names come from `RECORD_COLUMNS`, so no output can drift from the schema.
 */
export function toJsonRecord(record: EnrichmentRecord): JsonRecord {
  const json: JsonRecord = {};
  for (const column of RECORD_COLUMNS) {
    const value = record[column.name];
    json[column.name] =
      column.type === "datetime" && typeof value === "number" ? formatTimestamp(value) : value;
  }
  return json;
}
