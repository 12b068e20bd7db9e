import { type CsvError, parse } from "csv-parse/sync";

import { InputError } from "../../core/errors.js";
import type { AlertFileRecord } from "./AlertFileRecord.js";
import { normalizeAlertColumn } from "./normalizeAlertColumn.js";

const REQUIRED = ["SystemAlertId", "TimeGenerated"];

/**
 * Splits a CSV alert export (a header line, then one record per alert; the Log Analytics portal quotes `Entities`
 * and doubles its quotes, and `Description` may span lines) into records keyed by the header's column names.
 * `line` is where each record starts in the file, counted from byte offsets because csv-parse's own line counter
 * counts a CRLF inside a quoted field twice.
 *
 * Throws {@link InputError} when the header lacks `SystemAlertId` or `TimeGenerated`, or has its times in a
 * zone other than UTC (`TimeGenerated [Local Time]`): every row would be unusable or silently shifted.
 */
export function readCsvAlertRecords(path: string, text: string): AlertFileRecord[] {
  const bytes = Buffer.from(text, "utf8");
  const lineAt = makeLineCounter(bytes);
  const records: AlertFileRecord[] = [];
  let header: string[] | undefined;
  let lastRecordEnd = 0;
  let skippedSinceRecord = false;
  let lastErrorLine: number | undefined;

  const onRecord = (fields: string[], end: number): void => {
    const newlinesInside = fields.reduce((count, field) => count + countNewlines(field), 0);
    const line = lineAt(Math.max(end - 1, 0)) - newlinesInside;
    lastRecordEnd = end;
    skippedSinceRecord = false;
    if (header === undefined) {
      header = fields;
      checkHeader(path, header);
      return;
    }
    if (fields.length === 1 && fields[0] === "") return; // a blank line
    if (fields.length !== header.length) {
      records.push({
        line,
        reason: `expected ${header.length} fields as in the header, found ${fields.length}`,
      });
      return;
    }
    const columns = header;
    const entries = fields.map((field, index): [string, string] => [columns[index] ?? "", field]);
    records.push({ line, record: Object.fromEntries(entries) });
  };

  const onSkip = (error: CsvError | undefined): undefined => {
    const errorLine = typeof error?.lines === "number" ? error.lines : undefined;
    // One malformed record can raise several errors; report it once.
    if (errorLine !== undefined && errorLine === lastErrorLine) return;
    lastErrorLine = errorLine;
    const line = skippedSinceRecord && errorLine !== undefined ? errorLine : lineAt(lastRecordEnd);
    skippedSinceRecord = true;
    // csv-parse's own "at line N" counts a CRLF inside quotes twice: the line reported here is the right one.
    const message = error?.message.replace(/ at line \d+/, "") ?? "unreadable record";
    records.push({ line, reason: `not valid CSV: ${message}` });
  };

  try {
    parse(bytes, {
      relax_column_count: true,
      skip_records_with_error: true,
      on_record: (fields: string[], context) => {
        onRecord(fields, context.bytes);
        return null;
      },
      on_skip: onSkip,
    });
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(
      path,
      `is not valid CSV: ${error instanceof Error ? error.message : String(error)}`,
      "alert",
      {
        cause: error,
      },
    );
  }
  return records;
}

function checkHeader(path: string, header: readonly string[]): void {
  for (const name of header) {
    const zone = /^\s*(?:TimeGenerated|StartTime|EndTime)\s*\[(.*)\]\s*$/i.exec(name)?.[1];
    if (zone !== undefined && zone.trim().toUpperCase() !== "UTC") {
      throw new InputError(
        path,
        `column "${name}" holds times in "${zone}": expected UTC (export with the portal's time zone set to UTC)`,
        "alert",
      );
    }
  }
  const present = new Set(header.map(normalizeAlertColumn));
  const missing = REQUIRED.filter((name) => !present.has(name.toLowerCase()));
  if (missing.length > 0) {
    throw new InputError(
      path,
      `expected a CSV header with the SecurityAlert columns ${REQUIRED.join(" and ")}; ` +
        `missing ${missing.join(", ")} in a header starting "${header.slice(0, 4).join(",").slice(0, 80)}"`,
      "alert",
    );
  }
}

/** 1-based line of a byte offset. Offsets arrive in increasing order, so counting resumes where it stopped. */
function makeLineCounter(bytes: Buffer): (offset: number) => number {
  let position = 0;
  let newlines = 0;
  return (offset) => {
    if (offset < position) {
      position = 0;
      newlines = 0;
    }
    for (; position < offset && position < bytes.length; position += 1) {
      if (bytes[position] === 0x0a) newlines += 1;
    }
    return newlines + 1;
  };
}

function countNewlines(text: string): number {
  let count = 0;
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) count += 1;
  return count;
}
