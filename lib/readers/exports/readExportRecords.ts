import type { Readable } from "node:stream";

import { InputError, type InputKind } from "../../core/errors.js";
import { brokenGzipReason, isZlibError, openInputStream } from "../files/openInputStream.js";
import type { ExportFormat } from "./detectExportFormat.js";
import { readCsvRecords } from "./readCsvRecords.js";
import { type NotADocument, readJsonDocument } from "./readJsonDocument.js";
import { readJsonLinesRecords } from "./readJsonLinesRecords.js";

/**
 * What the export reader stack hands up, in file order:
 * - `record`: one row, its columns by name as the file has them (values as parsed: strings, numbers, null, or
 *   nested JSON);
 * - `bad`: one row or line that cannot be used, at its 1-based line (or row of a JSON document), and why;
 * - `stop`: the rest of the file cannot be read (a refused CSV header, a document that breaks off, gzip data cut
 *   short): why, and where when known; nothing follows;
 * - `warning`: a note about the whole file (a query answer marked partial).
 */
export type ExportItem =
  | { kind: "record"; line: number; record: Readonly<Record<string, unknown>> }
  | { kind: "bad"; line: number | undefined; reason: string }
  | { kind: "stop"; line: number | undefined; reason: string }
  | { kind: "warning"; message: string };

export interface ExportReadOptions {
  /** Bytes per read. */
  bufferSize: number;
  /** Called as the file is read, with the bytes read from disk so far (compressed size for gzip). */
  onBytesRead?: (bytesRead: number) => void;
  /** CSV only: a reason to refuse the file by its header (columns as written), or `undefined` to read it. */
  checkCsvHeader: (columns: readonly string[]) => string | undefined;
}

/**
 * The one reader stack under both tables' exports (SecurityAlert and W3CIISLog): streams the records of a CSV,
 * JSON-lines or JSON file, plain or gzip, holding one record at a time. Bad rows are handed up as `bad` and the
 * reading goes on; a file that cannot be opened or read throws {@link InputError} naming it.
 *
 * @example for await (const item of readExportRecords("alerts.jsonl", "jsonl", "alert", options)) …
 */
export async function* readExportRecords(
  path: string,
  format: ExportFormat,
  kind: InputKind,
  options: ExportReadOptions,
): AsyncGenerator<ExportItem> {
  let lastLine: number | undefined;
  try {
    let reading = await open(path, format, kind, options);
    try {
      for (let item = await reading.items.next(); item.done !== true; item = await reading.items.next()) {
        const { value } = item;
        if (value.kind === "notADocument") {
          // Nothing was read yet: the whole file, again, as JSON lines (each intact line is then kept).
          reading.stream.destroy();
          reading = await open(path, "jsonl", kind, options);
          continue;
        }
        if (value.kind === "record" || value.kind === "bad") lastLine = value.line ?? lastLine;
        yield value;
        if (value.kind === "stop") return;
      }
    } finally {
      // A stop, a caller that stopped early, or an error: the file is closed either way.
      reading.stream.destroy();
    }
  } catch (error) {
    if (!isZlibError(error)) throw InputError.wrap(path, error, kind);
    yield {
      kind: "stop",
      line: lastLine === undefined ? undefined : lastLine + 1,
      reason: brokenGzipReason(error),
    };
  }
}

async function open(
  path: string,
  format: ExportFormat,
  kind: InputKind,
  options: ExportReadOptions,
): Promise<{ stream: Readable; items: AsyncGenerator<ExportItem | NotADocument> }> {
  const { stream } = await openInputStream(path, kind, options.bufferSize, options.onBytesRead);
  const items =
    format === "csv"
      ? readCsvRecords(stream, options.checkCsvHeader)
      : format === "jsonl"
        ? readJsonLinesRecords(stream)
        : readJsonDocument(stream);
  return { stream, items };
}
