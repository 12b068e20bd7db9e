import { pipeline, Transform } from "node:stream";

import { CsvError, parse } from "csv-parse";

import { InputError } from "../../core/errors.js";
import type { WebRequest } from "../../core/model/WebRequest.js";
import { LineCounter } from "../files/LineCounter.js";
import { brokenGzipReason, isZlibError, openInputStream } from "../files/openInputStream.js";
import { exportColumnFor } from "./exportColumnFor.js";
import { type ExportRecord, ExportRowSink } from "./ExportRowSink.js";
import { type IisFileReadOptions, readBufferSize } from "./IisReadOptions.js";
import type { IisFileCounts } from "./IisReadSummary.js";

/**
 * Streams a W3CIISLog export saved as CSV with a header row (the Log Analytics portal's "Export to CSV": columns
 * such as `TimeGenerated [UTC]`, values such as `4/18/2023, 4:20:01.053 PM`). Quoted fields may hold commas,
 * quotes and line breaks; a skipped row is reported at the line where its record starts, and a malformed record
 * is skipped with its line while the rest of the file is read.
 */
export async function readCsvExport(
  path: string,
  options: IisFileReadOptions,
  onRequest: (request: WebRequest) => void,
): Promise<IisFileCounts> {
  const sink = new ExportRowSink(path, options, onRequest);
  const lines = new LineCounter();
  let header: { line: number; columns: (keyof WebRequest | undefined)[] } | undefined;
  let recordEnd = 0;
  let emptyLines = 0;
  let resumeAt = 0;
  try {
    const { stream } = await openInputStream(path, readBufferSize(options), options.onBytesRead);
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        lines.add(chunk);
        done(null, chunk);
      },
    });
    // A malformed record (a stray quote in an unquoted field) is skipped and reported; the parser resumes at the
    // next record, so one bad row never costs the rows around it.
    const parser = parse({
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (error: CsvError | undefined) => {
        const line = error === undefined ? undefined : lineOf(error);
        sink.skip(
          line,
          `invalid CSV (${error?.code ?? "unknown"}): this record is skipped, the rest is read`,
        );
        if (line !== undefined) resumeAt = line + 1;
      },
    });
    for await (const item of pipeline(stream, tap, parser, () => {})) {
      const { record, info } = item as { record: string[]; info: { bytes: number; empty_lines: number } };
      // csv-parse's own `info.lines` miscounts CRLF inside quotes: count LFs up to where this record started.
      // After a skipped record the next one starts on the line after it (recordEnd still points before it).
      const line = Math.max(lines.linesBefore(recordEnd) + 1 + (info.empty_lines - emptyLines), resumeAt);
      recordEnd = info.bytes;
      emptyLines = info.empty_lines;
      if (header === undefined) {
        header = { line, columns: record.map(exportColumnFor) };
        if (!header.columns.includes("TimeGenerated")) {
          sink.skip(line, "the CSV header has no TimeGenerated column: expected a W3CIISLog export");
          break;
        }
        continue;
      }
      if (record.length !== header.columns.length) {
        sink.skip(
          line,
          `expected ${header.columns.length} columns (header at line ${header.line}), found ${record.length}`,
        );
        continue;
      }
      const row: ExportRecord = {};
      header.columns.forEach((column, index) => {
        if (column !== undefined) row[column] = record[index];
      });
      sink.row(row, line);
    }
  } catch (error) {
    if (error instanceof CsvError)
      sink.skip(lineOf(error), `invalid CSV (${error.code}): the rest of the file is not read`);
    else if (isZlibError(error)) sink.skip(undefined, brokenGzipReason(error));
    else throw InputError.wrap(path, error, "IIS");
  }
  return sink.finish();
}

function lineOf(error: CsvError): number | undefined {
  const line: unknown = (error as { lines?: unknown }).lines;
  return typeof line === "number" ? line : undefined;
}
