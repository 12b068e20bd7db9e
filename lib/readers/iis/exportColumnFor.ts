import { emptyWebRequest, type WebRequest } from "../../core/model/WebRequest.js";

const COLUMNS = new Map<string, keyof WebRequest>(
  (Object.keys(emptyWebRequest) as (keyof WebRequest)[]).map((column) => [column.toLowerCase(), column]),
);
// Exports of workspaces that log the forwarded client under its header name.
COLUMNS.set("x-forwarded-for", "XForwardedFor");

/**
 * The WebRequest column an export column feeds, matched case-insensitively and without the ` [UTC]` suffix the
 * Log Analytics portal adds to time columns in CSV; `undefined` for columns the engine does not use.
 *
 * @example exportColumnFor("TimeGenerated [UTC]") // "TimeGenerated"
 * @example exportColumnFor("X-Forwarded-For") // "XForwardedFor"
 */
export function exportColumnFor(name: string): keyof WebRequest | undefined {
  return COLUMNS.get(
    name
      .trim()
      .replace(/\s*\[UTC\]$/i, "")
      .toLowerCase(),
  );
}

/**
 * The columns of one exported JSON row, by WebRequest column; `undefined` when the value is not a JSON object.
 * Unknown keys are ignored.
 */
export function exportRecordFromJson(value: unknown): Partial<Record<keyof WebRequest, unknown>> | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const record: Partial<Record<keyof WebRequest, unknown>> = {};
  for (const [key, item] of Object.entries(value)) {
    const column = exportColumnFor(key);
    if (column !== undefined) record[column] = item;
  }
  return record;
}
