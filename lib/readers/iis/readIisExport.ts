import type { WebRequest } from "../../core/model/WebRequest.js";
import { type ExportFormat, normalizeColumnName } from "../exports/detectExportFormat.js";
import { readExportRecords } from "../exports/readExportRecords.js";
import { ExportRowSink } from "./ExportRowSink.js";
import type { IisFileReadOptions } from "./IisReadOptions.js";
import { readBufferSize } from "./IisReadOptions.js";
import type { IisFileCounts } from "./IisReadSummary.js";

/**
 * Reads a W3CIISLog export (what the Log Analytics portal or API exports) through the shared export stack: `json`
 * (an array of row objects, or a query answer), `jsonl` (one row object per line) or `csv` (header row). Column
 * names are the W3CIISLog names, matched case-insensitively, with or without the portal's ` [UTC]`; unknown columns
 * are ignored. Rows without a valid TimeGenerated are skipped with their row number; what cannot be read of the
 * file is one skip, and the rows before it are kept. A file that cannot be read throws `InputError`.
 */
export async function readIisExport(
  path: string,
  format: ExportFormat,
  options: IisFileReadOptions,
  onRequest: (request: WebRequest) => void,
): Promise<IisFileCounts> {
  const sink = new ExportRowSink(path, options, onRequest);
  const items = readExportRecords(path, format, "IIS", {
    bufferSize: readBufferSize(options),
    onBytesRead: options.onBytesRead,
    checkCsvHeader,
  });
  for await (const item of items) {
    if (item.kind === "record") sink.row(item.record, item.line);
    else if (item.kind === "warning") options.diagnostics.warn(`${path}: ${item.message}`);
    else sink.skip(item.line, item.reason);
  }
  return sink.finish();
}

function checkCsvHeader(columns: readonly string[]): string | undefined {
  return columns.some((column) => normalizeColumnName(column) === "timegenerated")
    ? undefined
    : "the CSV header has no TimeGenerated column: expected a W3CIISLog export";
}
