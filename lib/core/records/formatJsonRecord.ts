import { formatTimestamp } from "../model/parseTimestamp.js";
import { RECORD_COLUMNS } from "./columns.js";
import type { EnrichmentRecord } from "./EnrichmentRecord.js";

/**
 * A formatter of records as JSON text, exactly `JSON.stringify(toJsonRecord(record))`, made for output that runs to
 * millions of records: the text is written column by column with no object in between, and each column's last
 * value is remembered with its text, so that consecutive records sharing a value (the run's `EnrichedAt`, the
 * host, a compat cell's sites and attacker bag, which are the same objects) pay for it once. Records must not be
 * changed after they were formatted (none is: they are made whole and handed on).
 *
 * @example const json = formatJsonRecord(); for (const r of records) out.write(json(r) + "\n");
 */
export function formatJsonRecord(): (record: EnrichmentRecord) => string {
  const keys = RECORD_COLUMNS.map((column) => `${JSON.stringify(column.name)}:`);
  const datetime = RECORD_COLUMNS.map((column) => column.type === "datetime");
  const lastValue: unknown[] = RECORD_COLUMNS.map(() => Symbol("none"));
  const lastText: string[] = RECORD_COLUMNS.map(() => "");
  return (record) => {
    let text = "";
    for (let i = 0; i < RECORD_COLUMNS.length; i++) {
      const value: unknown = record[RECORD_COLUMNS[i]!.name];
      if (value === undefined) continue; // as JSON.stringify leaves out an undefined property
      if (value !== lastValue[i]) {
        lastValue[i] = value;
        lastText[i] =
          datetime[i] && typeof value === "number"
            ? JSON.stringify(formatTimestamp(value))
            : JSON.stringify(value);
      }
      text += (text === "" ? "{" : ",") + keys[i]! + lastText[i]!;
    }
    return text === "" ? "{}" : text + "}";
  };
}
