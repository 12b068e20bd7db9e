import type { WebRequest } from "../../core/model/WebRequest.js";
import type { IisFileReadOptions } from "./IisReadOptions.js";
import type { IisFileCounts } from "./IisReadSummary.js";
import { readCsvExport } from "./readCsvExport.js";
import { readJsonArrayExport } from "./readJsonArrayExport.js";
import { readJsonLinesExport } from "./readJsonLinesExport.js";

/**
 * Reads a W3CIISLog export (what the Log Analytics portal or API exports) in the given format: `json` (an array of
 * row objects), `jsonl` (one row object per line) or `csv` (header row). Column names are the W3CIISLog names,
 * matched case-insensitively, with or without the portal's ` [UTC]`; unknown columns are ignored. Rows without a
 * valid TimeGenerated are skipped with their row number; a file that cannot be read throws `InputError`.
 */
export async function readIisExport(
  path: string,
  format: "json" | "jsonl" | "csv",
  options: IisFileReadOptions,
  onRequest: (request: WebRequest) => void,
): Promise<IisFileCounts> {
  switch (format) {
    case "json":
      return readJsonArrayExport(path, options, onRequest);
    case "jsonl":
      return readJsonLinesExport(path, options, onRequest);
    case "csv":
      return readCsvExport(path, options, onRequest);
  }
}
