import type { Diagnostics } from "../../core/Diagnostics.js";
import { InputError, type InputKind } from "../../core/errors.js";
import { brokenGzipReason } from "../files/openInputStream.js";
import { readFileHead } from "../files/readFileHead.js";
import { detectExportFormat, normalizeColumnName } from "./detectExportFormat.js";
import { readExportRecords } from "./readExportRecords.js";
import { ACCEPTED_JSON_SHAPES } from "./readJsonDocument.js";

/** One table's export, as `readTableExport` reads it. */
export interface TableExport<R> {
  /** The table, for messages (`SecurityAlert`). */
  table: string;
  kind: InputKind;
  /** Columns any of which marks a record as the table's (an export of something else has none). */
  columns: readonly string[];
  /** CSV only: a reason to refuse the file by its header, or `undefined` to read it. */
  checkCsvHeader: (header: readonly string[]) => string | undefined;
  /** The record as a row, the reason it cannot be used, or `null` for a row of the table the engine does not use. */
  toRow: (
    record: Readonly<Record<string, unknown>>,
    origin: { source: string; line: number },
  ) => R | string | null;
}

const BUFFER_SIZE = 256 * 1024;

/**
 * Reads an exported table (SecurityAlert, DeviceProcessEvents): a JSON array of rows, JSON lines, CSV with a header
 * (as the Log Analytics portal exports it), `{ "rows": [...] }`, `{ "value": [...] }`, a saved query answer, plain or
 * gzip. The format is told from the content (`detectExportFormat`), a file that looks like no export being read as
 * CSV, and the file streams through the shared export stack (`readExportRecords`), one row at a time.
 *
 * Every row the table's `toRow` accepts is counted with `diagnostics.read(path)` (`null` rows too) and the used ones
 * handed to `onRow`; a row that cannot be used is reported with `diagnostics.skip` and its line, and the others are
 * still read. A file that cannot be read at all (missing, UTF-16, a W3C log, a CSV without the table's columns, JSON
 * of another shape, a document broken before its first row) throws {@link InputError}.
 *
 * @returns the rows read (used or not)
 */
export async function readTableExport<R>(
  path: string,
  table: TableExport<R>,
  diagnostics: Diagnostics,
  onRow: (row: R) => void,
): Promise<number> {
  const { kind } = table;
  const head = await readFileHead(path, kind);
  if ("error" in head) throw new InputError(path, brokenGzipReason(head.error), kind);
  const guess = detectExportFormat(head.head, head.complete);
  diagnostics.read(path, 0); // the input shows in the summary even when every row was skipped
  switch (guess.format) {
    case "empty":
      diagnostics.warn(`${path}: the file is empty`);
      return 0;
    case "unsupported":
      throw new InputError(path, guess.reason, kind);
    case "w3c":
      throw new InputError(path, `is an IIS W3C log, not a ${table.table} export: pass it with --iis`, kind);
  }
  // No known shape: a CSV whose header the format guess does not know (Advanced Hunting names its time
  // `Timestamp`); its header check says what is missing.
  const format = guess.format === "text" ? "csv" : guess.format;
  let read = 0;
  let seen = 0;
  // Keys of the first record, when no record so far had one of the table's columns: a file of something else.
  let foreign: string | undefined;
  const items = readExportRecords(path, format, kind, {
    bufferSize: BUFFER_SIZE,
    checkCsvHeader: table.checkCsvHeader,
  });
  for await (const item of items) {
    switch (item.kind) {
      case "warning":
        diagnostics.warn(`${path}: ${item.message}`);
        break;
      case "stop":
        if (seen === 0) throw new InputError(path, item.reason, kind);
        diagnostics.skip({ source: path, line: item.line, reason: item.reason });
        break;
      case "bad":
        seen += 1;
        diagnostics.skip({ source: path, line: item.line, reason: item.reason });
        break;
      case "record": {
        seen += 1;
        const row = table.toRow(item.record, { source: path, line: item.line });
        if (typeof row === "string") diagnostics.skip({ source: path, line: item.line, reason: row });
        else {
          diagnostics.read(path);
          read += 1;
          if (row !== null) onRow(row);
        }
        if (!hasColumns(item.record, table.columns)) foreign ??= seen === 1 ? keysOf(item.record) : undefined;
        else foreign = undefined;
      }
    }
  }
  if (read === 0 && foreign !== undefined && format !== "csv") {
    throw new InputError(
      path,
      `is JSON but not a ${table.table} export: expected ${ACCEPTED_JSON_SHAPES}; ${foreign}`,
      kind,
    );
  }
  return read;
}

/**
 * The columns of `required` a CSV header lacks (compared as `normalizeColumnName` does), and a reason when one of its
 * time columns (`timeColumns`, with the portal's ` [zone]` suffix) is not in UTC.
 */
export function checkHeaderColumns(
  header: readonly string[],
  required: readonly string[],
  timeColumns: RegExp,
): { missing: string[]; zone?: string } {
  for (const name of header) {
    const zone = /^\s*(\S+)\s*\[(.*)\]\s*$/.exec(name);
    if (zone !== null && timeColumns.test(zone[1]!) && zone[2]!.trim().toUpperCase() !== "UTC")
      return {
        missing: [],
        zone: `column "${name}" holds times in "${zone[2]}": expected UTC (export with the portal's time zone set to UTC)`,
      };
  }
  const present = new Set(header.map(normalizeColumnName));
  return { missing: required.filter((name) => !present.has(name.toLowerCase())) };
}

function hasColumns(record: Readonly<Record<string, unknown>>, columns: readonly string[]): boolean {
  return Object.keys(record).some((key) =>
    columns.some((name) => normalizeColumnName(key) === name.toLowerCase()),
  );
}

function keysOf(record: Readonly<Record<string, unknown>>): string {
  const keys = Object.keys(record).slice(0, 8);
  return keys.length === 0 ? "found an empty object" : `found an object with keys ${keys.join(", ")}`;
}
