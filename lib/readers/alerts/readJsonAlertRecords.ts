import type { Diagnostics } from "../../core/Diagnostics.js";
import { describeJsonType } from "../../core/entities/readEntityField.js";
import { InputError } from "../../core/errors.js";
import type { AlertFileRecord } from "./AlertFileRecord.js";

type JsonObject = Readonly<Record<string, unknown>>;

/** The JSON layouts {@link readJsonAlertRecords} accepts, for messages. */
export const ACCEPTED_ALERT_SHAPES =
  'a JSON array of rows, JSON lines, {"rows": [...]}, {"value": [...]}, a Log Analytics query response ' +
  '{"tables": [{"columns": [...], "rows": [[...]]}]}, or CSV with a header';

/**
 * Splits a parsed JSON alert file into records: an array of row objects; `{ "rows": [...] }` (stix-shifter's
 * shape) or `{ "value": [...] }` (REST list responses); a Log Analytics query response
 * `{ "tables": [{ "columns": [{ "name" }], "rows": [[...]] }] }` (also the older `Tables`/`ColumnName` spelling);
 * or one row object. Throws {@link InputError} naming the accepted shapes for anything else.
 *
 * A query response that carries `error` beside its tables is a partial result: its rows are read and a warning
 * says so, because a partial result silently taken as complete hides missed alerts.
 */
export function readJsonAlertRecords(
  path: string,
  value: unknown,
  diagnostics: Diagnostics,
): AlertFileRecord[] {
  if (Array.isArray(value)) return fromRowObjects(value, 0);
  if (isObject(value)) {
    const tables = field(value, "tables");
    if (Array.isArray(tables)) {
      const error = field(value, "error");
      if (error !== undefined && error !== null) {
        diagnostics.warn(
          `${path}: the query response reports an error beside its tables: ${describeError(error)}`,
        );
      }
      return fromTables(path, tables);
    }
    if (Array.isArray(field(value, "rows"))) return fromTables(path, [value]);
    const items = field(value, "value");
    if (Array.isArray(items)) return fromRowObjects(items, 0);
    if (field(value, "SystemAlertId") !== undefined) return [{ line: 1, record: value }];
  }
  throw new InputError(
    path,
    `is JSON but not a SecurityAlert export: expected ${ACCEPTED_ALERT_SHAPES}; ${found(value)}`,
    "alert",
  );
}

function fromRowObjects(rows: readonly unknown[], offset: number): AlertFileRecord[] {
  return rows.map((row, index) =>
    isObject(row)
      ? { line: offset + index + 1, record: row }
      : { line: offset + index + 1, reason: `expected a row object, found ${describeJsonType(row)}` },
  );
}

// A table is `{ columns, rows }` with rows as arrays in column order, or `{ rows }` with rows as objects.
function fromTables(path: string, tables: readonly unknown[]): AlertFileRecord[] {
  const records: AlertFileRecord[] = [];
  for (const table of tables) {
    const rows = isObject(table) ? field(table, "rows") : undefined;
    if (!isObject(table) || !Array.isArray(rows)) {
      throw new InputError(
        path,
        `expected every table to be an object with a "rows" array; ${found(table)}`,
        "alert",
      );
    }
    const columns = field(table, "columns");
    if (columns === undefined) {
      records.push(...fromRowObjects(rows, records.length));
      continue;
    }
    const names = Array.isArray(columns) ? columns.map(columnName) : [];
    if (names.length === 0 || names.includes(undefined)) {
      throw new InputError(path, 'expected "columns" to be an array of {"name": ...} objects', "alert");
    }
    for (const row of rows) {
      const line = records.length + 1;
      records.push(fromTableRow(names, row, line));
    }
  }
  return records;
}

function fromTableRow(names: readonly (string | undefined)[], row: unknown, line: number): AlertFileRecord {
  if (isObject(row)) return { line, record: row };
  if (!Array.isArray(row)) return { line, reason: `expected a row array, found ${describeJsonType(row)}` };
  const values: readonly unknown[] = row;
  if (values.length !== names.length) {
    return { line, reason: `expected ${names.length} values as in "columns", found ${values.length}` };
  }
  return {
    line,
    record: Object.fromEntries(names.map((name, index) => [name ?? "", values[index]] as const)),
  };
}

function columnName(column: unknown): string | undefined {
  if (typeof column === "string") return column;
  if (!isObject(column)) return undefined;
  const name = field(column, "name") ?? field(column, "ColumnName");
  return typeof name === "string" ? name : undefined;
}

function describeError(error: unknown): string {
  if (isObject(error)) {
    const message = field(error, "message") ?? field(error, "code");
    if (typeof message === "string") return message;
  }
  return JSON.stringify(error).slice(0, 300);
}

function found(value: unknown): string {
  if (!isObject(value)) return `found ${describeJsonType(value)}`;
  const keys = Object.keys(value).slice(0, 8);
  return keys.length === 0 ? "found an empty object" : `found an object with keys ${keys.join(", ")}`;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// Case-insensitive: the current query API writes `tables`/`columns`/`name`, the older one `Tables`/`Columns`.
function field(object: JsonObject, name: string): unknown {
  if (Object.hasOwn(object, name)) return object[name];
  const wanted = name.toLowerCase();
  const key = Object.keys(object).find((candidate) => candidate.toLowerCase() === wanted);
  return key === undefined ? undefined : object[key];
}
