import { pipeline, type Readable, Transform } from "node:stream";

import { CsvError, parse } from "csv-parse";

import { LineCounter } from "../files/LineCounter.js";
import type { ExportItem } from "./readExportRecords.js";

/**
 * The records of a CSV export with a header row (as the Log Analytics portal's "Export to CSV" writes them: columns
 * such as `TimeGenerated [UTC]`, `Entities` quoted with its quotes doubled, fields that span lines), each keyed by
 * the header's column names, streamed. `line` is where each record starts, counted from byte offsets because
 * csv-parse's own line counter counts a CRLF inside a quoted field twice.
 *
 * A record with another number of fields than the header, or that is not valid CSV (a stray quote in an unquoted
 * field), is reported at its line and the next records are read. `checkHeader` may refuse the whole file by its
 * header (a reason), before any record.
 */
export async function* readCsvRecords(
  stream: Readable,
  checkHeader: (columns: readonly string[]) => string | undefined,
): AsyncGenerator<ExportItem> {
  const lines = new LineCounter();
  // Skips in the order they happened: after how many records, where, and why. csv-parse reports a skipped record
  // while it parses, ahead of the records still waiting to be read from it.
  const skipped: { after: number; start: number; reason: string }[] = [];
  let lastRecordEnd = 0;
  let header: { line: number; columns: string[] } | undefined;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      lines.add(chunk);
      done(null, chunk);
    },
  });
  // A malformed record is skipped and reported; the parser resumes at the next record, so one bad row never costs
  // the rows around it.
  const parser = parse({
    bom: true,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    // Called as each record is made, in order with the skips (not when it is read from the stream).
    on_record: (record: string[], context: { bytes: number }) => {
      lastRecordEnd = context.bytes;
      return record;
    },
    on_skip: (error: CsvError | undefined) => {
      // The bad record starts where the last good one ended. One record can raise several errors: report it once.
      if (skipped.at(-1)?.start === lastRecordEnd) return;
      skipped.push({
        after: parser.info.records,
        start: lastRecordEnd,
        reason: describeCsvError(error),
      });
    },
  });
  // The skips that came before the `records`-th record (all of them with `Infinity`), in order, with their first
  // lines (asked of the line counter before anything after them).
  function skipsBefore(records: number): { first: number; reason: string }[] {
    const taken: { first: number; reason: string }[] = [];
    while (skipped.length > 0 && skipped[0]!.after < records) {
      const { start, reason } = skipped.shift()!;
      taken.push({ first: lines.linesBefore(start) + 1, reason });
    }
    return taken;
  }
  // A skip runs up to the line before what comes next (`nextLine`, when known): a quote left open runs on into the
  // lines after it, and the parser resumes at the line break after the error, so a bad record can take good lines
  // with it. Each is named.
  function* reportSkips(
    skips: { first: number; reason: string }[],
    nextLine?: number,
  ): Generator<ExportItem> {
    for (const [i, { first, reason }] of skips.entries()) {
      const last = (skips[i + 1]?.first ?? nextLine ?? first + 1) - 1;
      const span = last > first ? ` (lines ${first}–${last}: a quote left open runs on past its line)` : "";
      yield { kind: "bad", line: first, reason: `${reason}; the record${span} is skipped, the rest is read` };
    }
  }
  try {
    for await (const item of pipeline(stream, tap, parser, () => {})) {
      const { record, info } = item as {
        record: string[];
        info: { bytes: number; records: number };
      };
      const skips = skipsBefore(info.records);
      // The line of the record's last byte, less the line breaks inside its fields.
      const line = lines.linesBefore(info.bytes - 1) + 1 - record.reduce((n, field) => n + countLf(field), 0);
      yield* reportSkips(skips, line);
      if (header === undefined) {
        const refusal = checkHeader(record);
        if (refusal !== undefined) {
          yield { kind: "stop", line, reason: refusal };
          return;
        }
        header = { line, columns: record };
        continue;
      }
      if (record.length !== header.columns.length) {
        yield {
          kind: "bad",
          line,
          reason: `expected ${header.columns.length} columns (header at line ${header.line}), found ${record.length}`,
        };
        continue;
      }
      const columns = header.columns;
      yield {
        kind: "record",
        line,
        record: Object.fromEntries(record.map((value, i) => [columns[i]!, value])),
      };
    }
    // The last skips run to the end of the file.
    yield* reportSkips(
      skipsBefore(Number.POSITIVE_INFINITY),
      lines.linesBefore(Number.POSITIVE_INFINITY) + 1,
    );
  } catch (error) {
    yield* reportSkips(skipsBefore(Number.POSITIVE_INFINITY));
    if (!(error instanceof CsvError)) throw error;
    yield {
      kind: "bad",
      line: lineOf(error),
      reason: `${describeCsvError(error)}; the rest of the file is not read`,
    };
  }
}

// csv-parse's own "at line N" counts a CRLF inside quotes twice: the line reported beside it is the right one.
function describeCsvError(error: CsvError | undefined): string {
  if (error === undefined) return "not valid CSV";
  return `not valid CSV: ${error.message.replace(/ at line \d+/, "")} (${error.code})`;
}

function lineOf(error: CsvError): number | undefined {
  const line: unknown = (error as { lines?: unknown }).lines;
  return typeof line === "number" ? line : undefined;
}

function countLf(text: string): number {
  let count = 0;
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) count += 1;
  return count;
}
