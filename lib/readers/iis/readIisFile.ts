import type { WebRequest } from "../../core/model/WebRequest.js";
import { detectExportFormat } from "../exports/detectExportFormat.js";
import { brokenGzipReason } from "../files/openInputStream.js";
import { readFileHead } from "../files/readFileHead.js";
import { readW3cFile } from "../w3c/readW3cFile.js";
import type { IisFileReadOptions } from "./IisReadOptions.js";
import type { IisFileCounts, IisFileSummary } from "./IisReadSummary.js";
import { readIisExport } from "./readIisExport.js";

/**
 * Reads one IIS input file of any supported kind, told from its content: a native W3C log or a W3CIISLog export
 * (JSON, JSON lines, CSV), each possibly gzip. An empty file is noted as a warning; a UTF-16 file or a gzip file
 * whose start cannot be decompressed is reported as a skip and not read. Throws `InputError` when the file
 * cannot be read.
 */
export async function readIisFile(
  path: string,
  options: IisFileReadOptions,
  onRequest: (request: WebRequest) => void,
): Promise<IisFileSummary> {
  const { diagnostics } = options;
  const head = await readFileHead(path, "IIS");
  if ("error" in head) {
    diagnostics.skip({ source: path, reason: brokenGzipReason(head.error) });
    diagnostics.read(path, 0);
    return { path, format: "unsupported", gzip: true, ...counts(0, 1) };
  }
  const guess = detectExportFormat(head.head, head.complete);
  const { gzip } = head;
  switch (guess.format) {
    case "empty":
      diagnostics.warn(`${path}: the file is empty`);
      diagnostics.read(path, 0);
      return { path, format: "empty", gzip, ...counts(0, 0) };
    case "unsupported":
      diagnostics.skip({ source: path, reason: guess.reason });
      diagnostics.read(path, 0);
      return { path, format: "unsupported", gzip, ...counts(0, 1) };
    // A log cut before its directives is still read as W3C: its lines are then reported for lacking `#Fields`.
    case "w3c":
    case "text":
      return { path, format: "w3c", gzip, ...(await readW3cFile(path, options, onRequest, gzip)) };
    default:
      return {
        path,
        format: guess.format,
        gzip,
        ...(await readIisExport(path, guess.format, options, onRequest)),
      };
  }
}

function counts(read: number, skipped: number): IisFileCounts {
  return { read, skipped, accepted: 0, rowsWithoutHost: 0 };
}
