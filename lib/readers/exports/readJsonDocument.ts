import type { Readable } from "node:stream";

import { JSONParser } from "@streamparser/json";

import { describeJsonType } from "../../core/entities/readEntityField.js";
import type { ExportItem } from "./readExportRecords.js";

/** A `{` file that is no JSON document after all (see `readJsonDocument`). */
export interface NotADocument {
  kind: "notADocument";
}

/** The JSON layouts an export may have, for messages. */
export const ACCEPTED_JSON_SHAPES =
  'a JSON array of rows, JSON lines, {"rows": [...]}, {"value": [...]}, a Log Analytics query response ' +
  '{"tables": [{"columns": [...], "rows": [[...]]}]}, an advanced hunting answer {"Schema": [...], "Results": [...]}, ' +
  "one row object, or CSV with a header";

// Members of a wrapper object that hold the rows (case-insensitive: the current query API writes `tables`, the
// older one `Tables`; the hunting APIs `Results` or `results`), and the one that says a query answer is partial.
const CONTAINERS = new Set(["tables", "rows", "value", "results"]);
const ERROR = "error";
// What an advanced hunting answer opens with before its `Results` (Defender's API: `Stats`, `Schema`; Microsoft
// Graph's: `@odata.context`, `schema`).
const HUNTING_ANSWER = new Set(["stats", "schema", "@odata.context"]);

/**
 * The records of one JSON document, streamed: an array of row objects (`az monitor log-analytics query`, the
 * portal's JSON export); `{"rows": [...]}` (stix-shifter) or `{"value": [...]}` (REST list answers); a Log Analytics
 * query answer `{"tables": [{"columns": [{"name"}], "rows": [[...]]}]}` (also the older `Tables`/`ColumnName`
 * spelling), whose `error` beside the tables (a partial answer) comes out as a warning; an advanced hunting answer
 * `{"Stats", "Schema", "Results": [...]}` (Defender's API) or `{"schema", "results": [...]}` (Microsoft Graph); or a
 * single row object.
 * Rows are numbered from 1 across the document (`line`), as they have no line of their own.
 *
 * Only one row is held at a time, whatever the document's size. A document that breaks off (cut, invalid) gives
 * the rows before the break and then a `stop` saying where it broke. One that breaks before its first row ends with
 * `notADocument` instead: JSON lines whose first line is damaged look like that, and the caller reads the file again
 * as lines, so that every intact line is kept and every broken one reported.
 */
export async function* readJsonDocument(stream: Readable): AsyncGenerator<ExportItem | NotADocument> {
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  // Enough of the start to know the shape: the opening bracket and, for an object, its first key.
  let start = "";
  let opening: { bracket: string; key?: string } | undefined;
  for (let next = await chunks.next(); ; next = await chunks.next()) {
    if (next.done === true) break;
    start += next.value.toString("utf8");
    opening = readOpening(start);
    if (opening !== undefined) break;
  }
  const rest = { [Symbol.asyncIterator]: () => chunks };
  if (
    opening?.bracket === "{" &&
    !CONTAINERS.has(opening.key?.toLowerCase() ?? "") &&
    !HUNTING_ANSWER.has(opening.key?.toLowerCase() ?? "") &&
    opening.key?.toLowerCase() !== ERROR
  ) {
    // One row object: small by nature, parsed whole.
    for await (const chunk of rest) start += chunk.toString("utf8");
    yield* parseLoneObject(start);
    return;
  }
  yield* streamRows(start, rest, opening?.key);
}

/** The rows of an already parsed wrapper object or row object (a line of a JSON-lines file). */
export function recordsOfDocument(value: Readonly<Record<string, unknown>>): ExportItem[] {
  const keys = Object.keys(value);
  const container = keys.find((key) => CONTAINERS.has(key.toLowerCase()) && Array.isArray(value[key]));
  if (container === undefined) return [{ kind: "record", line: 1, record: value }];
  const rows = new RowNumbering();
  const items: ExportItem[] = [];
  const error = keys.find((key) => key.toLowerCase() === ERROR);
  if (container.toLowerCase() === "tables") {
    for (const table of value[container] as unknown[]) {
      const columns = field(table, "columns");
      for (const row of asArray(field(table, "rows"))) items.push(rows.next(row, columns));
    }
  } else {
    for (const row of value[container] as unknown[]) items.push(rows.next(row, undefined));
  }
  if (error !== undefined && value[error] !== null) items.push(partialWarning(value[error]));
  return items;
}

function readOpening(text: string): { bracket: string; key?: string } | undefined {
  const body = text.replace(/^\uFEFF/, "").trimStart();
  if (body === "") return undefined;
  if (body[0] !== "{") return { bracket: body[0]! };
  const key = /^\{\s*"((?:[^"\\]|\\.)*)"/.exec(body);
  if (key !== null) return { bracket: "{", key: key[1] };
  // `{` then blank space, or the start of a key not read yet: wait for more, unless what follows cannot be a key.
  return /^\{\s*("(?:[^"\\]|\\.)*)?$/.test(body) ? undefined : { bracket: "{" };
}

function* parseLoneObject(text: string): Generator<ExportItem | NotADocument> {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch {
    yield { kind: "notADocument" };
    return;
  }
  if (typeof value === "object" && value !== null && !Array.isArray(value))
    yield* recordsOfDocument(value as Record<string, unknown>);
}

async function* streamRows(
  start: string,
  rest: AsyncIterable<unknown>,
  key: string | undefined,
): AsyncGenerator<ExportItem | NotADocument> {
  const paths =
    key === undefined
      ? ["$.*"]
      : key.toLowerCase() === "tables" || key.toLowerCase() === ERROR
        ? tablePaths()
        : HUNTING_ANSWER.has(key.toLowerCase())
          ? ["$.Results.*", "$.results.*", "$.error", "$.Error"]
          : [`$.${key}.*`, "$.error", "$.Error"];
  const parser = new JSONParser({ paths, keepStack: false });
  const rows = new RowNumbering();
  const columns = new Map<number, unknown>();
  const ready: ExportItem[] = [];
  let failure: Error | undefined;
  parser.onValue = ({ value, key: member, stack }) => {
    const container = stack[1]?.key;
    if (stack.length === 1 && typeof member === "string" && member.toLowerCase() === ERROR) {
      if (value !== null) ready.push(partialWarning(value));
    } else if (typeof container === "string" && container.toLowerCase() === "tables") {
      const table = Number(stack[2]?.key ?? 0);
      if (stack.length === 3) columns.set(table, value);
      else ready.push(rows.next(value, columns.get(table)));
    } else if (stack.length <= 2) {
      ready.push(rows.next(value, undefined));
    }
  };
  parser.onError = (error) => (failure ??= error);
  parser.onEnd = () => {};
  const feed = (text: string | Buffer) => {
    if (failure === undefined && !parser.isEnded) parser.write(text);
  };
  feed(start.replace(/^\uFEFF/, ""));
  yield* ready.splice(0);
  for await (const chunk of rest) {
    feed(chunk as Buffer);
    yield* ready.splice(0);
    if (failure !== undefined) break;
  }
  if (failure === undefined && !parser.isEnded) parser.end();
  yield* ready.splice(0);
  if (failure === undefined) return;
  if (rows.count === 0) {
    yield { kind: "notADocument" };
  } else {
    const reason = `not valid JSON after row ${rows.count}: ${failure.message}; the rest of the file is not read`;
    yield { kind: "stop", line: undefined, reason };
  }
}

function tablePaths(): string[] {
  const paths = ["$.error", "$.Error"];
  for (const tables of ["tables", "Tables"])
    for (const [columns, rows] of [
      ["columns", "rows"],
      ["Columns", "Rows"],
    ])
      paths.push(`$.${tables}.*.${columns}`, `$.${tables}.*.${rows}.*`);
  return paths;
}

/** Numbers the rows of a document from 1 and turns each into a record (array rows by their table's columns). */
class RowNumbering {
  count = 0;

  next(row: unknown, columns: unknown): ExportItem {
    const line = ++this.count;
    if (typeof row === "object" && row !== null && !Array.isArray(row))
      return { kind: "record", line, record: row as Record<string, unknown> };
    if (!Array.isArray(row) || columns === undefined)
      return { kind: "bad", line, reason: `expected a row object, found ${describeJsonType(row)}` };
    const names = Array.isArray(columns) ? columns.map(columnName) : [];
    if (names.length === 0 || names.includes(undefined))
      return {
        kind: "bad",
        line,
        reason: 'expected the table\'s "columns" to be an array of {"name": ...} objects',
      };
    if (row.length !== names.length)
      return {
        kind: "bad",
        line,
        reason: `expected ${names.length} values as in "columns", found ${row.length}`,
      };
    return { kind: "record", line, record: Object.fromEntries(names.map((name, i) => [name!, row[i]])) };
  }
}

function columnName(column: unknown): string | undefined {
  if (typeof column === "string") return column;
  const name = field(column, "name") ?? field(column, "ColumnName");
  return typeof name === "string" ? name : undefined;
}

function partialWarning(error: unknown): ExportItem {
  const message = field(error, "message") ?? field(error, "code");
  const text = typeof message === "string" ? message : JSON.stringify(error).slice(0, 300);
  return { kind: "warning", message: `the query response reports an error beside its tables: ${text}` };
}

// Case-insensitive: the current query API writes `tables`/`columns`/`name`, the older one `Tables`/`Columns`.
function field(object: unknown, name: string): unknown {
  if (typeof object !== "object" || object === null || Array.isArray(object)) return undefined;
  const record = object as Record<string, unknown>;
  if (Object.hasOwn(record, name)) return record[name];
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : record[key];
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
