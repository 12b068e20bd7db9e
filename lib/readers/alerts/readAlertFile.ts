import type { Diagnostics } from "../../core/Diagnostics.js";
import { InputError } from "../../core/errors.js";
import type { AlertRow } from "../../core/model/AlertRow.js";
import { detectExportFormat, normalizeColumnName } from "../exports/detectExportFormat.js";
import { readExportRecords } from "../exports/readExportRecords.js";
import { ACCEPTED_JSON_SHAPES } from "../exports/readJsonDocument.js";
import { brokenGzipReason } from "../files/openInputStream.js";
import { readFileHead } from "../files/readFileHead.js";
import { toAlertRow } from "./toAlertRow.js";

// Alert files are small next to IIS logs: moderate reads are plenty.
const BUFFER_SIZE = 256 * 1024;
const REQUIRED = ["SystemAlertId", "TimeGenerated"];

/**
 * Reads an exported SecurityAlert file: a JSON array of rows, JSON lines, CSV with a header (as the Log Analytics
 * portal exports it), `{ "rows": [...] }`, `{ "value": [...] }`, or a saved Log Analytics query answer, plain or
 * gzip. The format is told from the content (`detectExportFormat`) and the file streams through the shared export
 * stack (`readExportRecords`), as W3CIISLog exports do.
 *
 * Every accepted row is counted with `diagnostics.read(path)`; a row that cannot be used (invalid JSON line, no
 * `SystemAlertId`, no readable `TimeGenerated`) is reported with `diagnostics.skip` and its line, and the others
 * are still read. A file that cannot be read at all (missing, UTF-16, a W3C log, a CSV without the SecurityAlert
 * columns, JSON of another shape, a document broken before its first row) throws {@link InputError}.
 *
 * @example const alerts = await readAlertFile("exports/alerts.csv", diagnostics);
 */
export async function readAlertFile(path: string, diagnostics: Diagnostics): Promise<AlertRow[]> {
  const head = await readFileHead(path, "alert");
  if ("error" in head) throw new InputError(path, brokenGzipReason(head.error), "alert");
  const guess = detectExportFormat(head.head, head.complete);
  diagnostics.read(path, 0); // the input shows in the summary even when every row was skipped
  switch (guess.format) {
    case "empty":
      diagnostics.warn(`${path}: the file is empty`);
      return [];
    case "unsupported":
      throw new InputError(path, guess.reason, "alert");
    case "w3c":
      throw new InputError(
        path,
        "is an IIS W3C log, not a SecurityAlert export: pass it with --iis",
        "alert",
      );
  }
  const format = guess.format === "text" ? "csv" : guess.format;
  const rows: AlertRow[] = [];
  let seen = 0;
  // Keys of the first record, when no record so far had a SecurityAlert column: a file of something else.
  let foreign: string | undefined;
  const items = readExportRecords(path, format, "alert", { bufferSize: BUFFER_SIZE, checkCsvHeader });
  for await (const item of items) {
    switch (item.kind) {
      case "warning":
        diagnostics.warn(`${path}: ${item.message}`);
        break;
      case "stop":
        if (seen === 0) throw new InputError(path, item.reason, "alert");
        diagnostics.skip({ source: path, line: item.line, reason: item.reason });
        break;
      case "bad":
        seen += 1;
        diagnostics.skip({ source: path, line: item.line, reason: item.reason });
        break;
      case "record": {
        seen += 1;
        const row = toAlertRow(item.record, { source: path, line: item.line });
        if (typeof row !== "string") {
          diagnostics.read(path);
          rows.push(row);
        } else diagnostics.skip({ source: path, line: item.line, reason: row });
        if (!hasAlertColumns(item.record)) foreign ??= seen === 1 ? keysOf(item.record) : undefined;
        else foreign = undefined;
      }
    }
  }
  if (rows.length === 0 && foreign !== undefined && format !== "csv") {
    throw new InputError(
      path,
      `is JSON but not a SecurityAlert export: expected ${ACCEPTED_JSON_SHAPES}; ${foreign}`,
      "alert",
    );
  }
  return rows;
}

/** Refuses a CSV header without the SecurityAlert columns, or whose times are not in UTC. */
function checkCsvHeader(header: readonly string[]): string | undefined {
  for (const name of header) {
    const zone = /^\s*(?:TimeGenerated|StartTime|EndTime)\s*\[(.*)\]\s*$/i.exec(name)?.[1];
    if (zone !== undefined && zone.trim().toUpperCase() !== "UTC")
      return `column "${name}" holds times in "${zone}": expected UTC (export with the portal's time zone set to UTC)`;
  }
  const present = new Set(header.map(normalizeColumnName));
  const missing = REQUIRED.filter((name) => !present.has(name.toLowerCase()));
  if (missing.length === 0) return undefined;
  return (
    `expected a CSV header with the SecurityAlert columns ${REQUIRED.join(" and ")}; ` +
    `missing ${missing.join(", ")} in a header starting "${header.slice(0, 4).join(",").slice(0, 80)}"`
  );
}

function hasAlertColumns(record: Readonly<Record<string, unknown>>): boolean {
  return Object.keys(record).some((key) =>
    REQUIRED.some((name) => normalizeColumnName(key) === name.toLowerCase()),
  );
}

function keysOf(record: Readonly<Record<string, unknown>>): string {
  const keys = Object.keys(record).slice(0, 8);
  return keys.length === 0 ? "found an empty object" : `found an object with keys ${keys.join(", ")}`;
}
