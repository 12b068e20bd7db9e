import { readFile } from "node:fs/promises";

import type { Diagnostics } from "../../core/Diagnostics.js";
import { InputError } from "../../core/errors.js";
import type { AlertRow } from "../../core/model/AlertRow.js";
import type { AlertFileRecord } from "./AlertFileRecord.js";
import { decodeAlertText } from "./decodeAlertText.js";
import { detectAlertFormat } from "./detectAlertFormat.js";
import { readCsvAlertRecords } from "./readCsvAlertRecords.js";
import { readJsonAlertRecords } from "./readJsonAlertRecords.js";
import { readJsonlAlertRecords } from "./readJsonlAlertRecords.js";
import { toAlertRow } from "./toAlertRow.js";

/**
 * Reads an exported SecurityAlert file: a JSON array of rows, JSON lines, CSV with a header (as the Log Analytics
 * portal exports it), `{ "rows": [...] }`, `{ "value": [...] }`, or a saved Log Analytics query response. The format
 * is told from the content. Alerts are few, so the file is read whole.
 *
 * Every accepted row is counted with `diagnostics.read(path)`; a row that cannot be used (invalid JSON line, no
 * `SystemAlertId`, no readable `TimeGenerated`) is reported with `diagnostics.skip` and its line, and the others
 * are still read. A file that cannot be read at all throws {@link InputError}.
 *
 * @example const alerts = await readAlertFile("exports/alerts.csv", diagnostics);
 */
export async function readAlertFile(path: string, diagnostics: Diagnostics): Promise<AlertRow[]> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputError(path, `cannot read the alert file: ${reason}`, "alert", { cause: error });
  }
  const records = splitRecords(path, decodeAlertText(path, bytes), diagnostics);
  diagnostics.read(path, 0); // the input shows in the summary even when every row was skipped

  const rows: AlertRow[] = [];
  for (const item of records) {
    if ("reason" in item) {
      diagnostics.skip({ source: path, line: item.line, reason: item.reason });
      continue;
    }
    const row = toAlertRow(item.record, { source: path, line: item.line });
    if (typeof row === "string") {
      diagnostics.skip({ source: path, line: item.line, reason: row });
      continue;
    }
    diagnostics.read(path);
    rows.push(row);
  }
  return rows;
}

function splitRecords(path: string, text: string, diagnostics: Diagnostics): AlertFileRecord[] {
  const format = detectAlertFormat(text);
  switch (format.kind) {
    case "empty":
      diagnostics.warn(`${path}: the alert file is empty`);
      return [];
    case "json":
      return readJsonAlertRecords(path, format.value, diagnostics);
    case "jsonl":
      return readJsonlAlertRecords(text);
    case "csv":
      return readCsvAlertRecords(path, text);
    case "invalid-json":
      throw new InputError(
        path,
        `looks like one JSON document but is not valid JSON: ${format.reason}`,
        "alert",
      );
  }
}
