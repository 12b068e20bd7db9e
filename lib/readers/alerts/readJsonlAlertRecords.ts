import { describeJsonType } from "../../core/entities/readEntityField.js";
import type { AlertFileRecord } from "./AlertFileRecord.js";

/**
 * Splits JSON-lines text into records, one object per non-blank line. A line that is not valid JSON, or not an
 * object, becomes a record carrying the reason, so the lines after it are still read.
 */
export function readJsonlAlertRecords(text: string): AlertFileRecord[] {
  const records: AlertFileRecord[] = [];
  const lines = text.split("\n");
  for (const [index, raw] of lines.entries()) {
    const line = index + 1;
    const content = raw.trim();
    if (content === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(content);
    } catch (error) {
      records.push({
        line,
        reason: `not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      });
      continue;
    }
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      records.push({ line, record: value as Record<string, unknown> });
    } else {
      records.push({ line, reason: `expected a JSON object on each line, found ${describeJsonType(value)}` });
    }
  }
  return records;
}
