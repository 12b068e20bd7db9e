import type { Diagnostics } from "../../core/Diagnostics.js";
import type { WebRequest } from "../../core/model/WebRequest.js";
import type { StemFilter } from "../../core/scriptStemFilter.js";
import type { IisFileCounts } from "../iis/IisReadSummary.js";
import { LineCarry } from "./LineCarry.js";
import { borrowScanner, returnScanner, type SeparatorScanner } from "./SeparatorScanner.js";
import { parseFieldsDirective, type W3cLayout } from "./W3cLayout.js";
import { W3cLine } from "./W3cLine.js";
import {
  BAD_DATE_TIME_REASON,
  fieldCountReason,
  NO_FIELDS_REASON,
  noDateTimeReason,
} from "./w3cSkipReasons.js";
import { W3cTimeReader } from "./W3cTimeReader.js";

/** Options of {@link W3cChunkParser}. */
export interface W3cChunkParserOptions {
  diagnostics: Diagnostics;
  acceptStem?: StemFilter;
  defaultHost?: string;
  /** Longest line kept whole across chunks (default 16 MiB); a longer one is skipped, so memory stays bounded. */
  maxLineBytes?: number;
  /**
   * Takes the good lines instead of `onRequest`, before any string is built (see {@link W3cLine}): the offline
   * correlators pick the few fields they need and decode whole requests only for the lines they keep.
   */
  onLine?: (line: W3cLine) => void;
}

const CR = 0x0d;
const HASH = 0x23;
const DASH = 0x2d;
const BOM_FIRST_BYTE = 0xef;
const NUL = 0x00;
/** Longest line kept whole by default; `splitW3cFile` takes a longer one for no directive, as the parser skips it. */
export const DEFAULT_MAX_LINE_BYTES = 16 << 20;
/** Bytes scanned per call: chunks are cut into pieces of at most this size. */
export const SCAN_CAPACITY = 1 << 20;

/**
 * The fast W3C extended log parser: takes the file's bytes in chunks of any size and emits a {@link WebRequest}
 * (or a {@link W3cLine}) per good data line. A {@link SeparatorScanner} finds every field boundary of a chunk in one
 * pass outside JavaScript; the raw `cs-uri-stem` bytes are offered to `acceptStem` before any string is built, so
 * a rejected line costs a few array reads. Only a line that spans two chunks is copied (into a carry buffer) and
 * split here.
 *
 * Per data line, in this order: no `#Fields` yet, or a layout without date and time → skip; wrong field count →
 * skip; stem rejected by the filter → counted as read, nothing else checked; bad date/time → skip; else a row.
 * `parseW3cText` is the plain reference with the same rules.
 */
export class W3cChunkParser {
  readonly counts: IisFileCounts = { read: 0, skipped: 0, accepted: 0, rowsWithoutHost: 0 };
  private layout: W3cLayout | undefined;
  private lineNumber = 0;
  private scanner: SeparatorScanner | undefined;
  private readonly carry: LineCarry;
  private readonly clock = new W3cTimeReader();
  private readonly view: W3cLine;

  constructor(
    readonly source: string,
    private readonly options: W3cChunkParserOptions,
    private readonly onRequest: (request: WebRequest) => void,
  ) {
    this.carry = new LineCarry(options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
    this.view = new W3cLine(options.defaultHost);
  }

  /**
   * Starts reading in the middle of a file, at a line (a range of `splitW3cFile`), as if the lines before had been
   * read: `linesBefore` of them, the last `#Fields` among them `fields` (its text and line). Call before any input.
   */
  resume(linesBefore: number, fields: { text: string; line: number } | undefined): void {
    this.lineNumber = linesBefore;
    this.layout = fields === undefined ? undefined : parseFieldsDirective(fields.text, fields.line);
  }

  /**
   * One of two buffers of {@link SCAN_CAPACITY} bytes where the caller may put the file's next bytes before calling
   * {@link pushInput}: reading straight into it saves a copy, and reading into one while the other is parsed
   * overlaps the two. A buffer is only valid until the end of the input.
   */
  input(area: 0 | 1): Buffer {
    this.scanner ??= borrowScanner(SCAN_CAPACITY);
    const start = this.scanner.areaStart(area);
    return this.scanner.text.subarray(start, start + SCAN_CAPACITY);
  }

  /** Parses the `length` bytes the caller put at the start of `input(area)`. */
  pushInput(area: 0 | 1, length: number): void {
    this.input(area);
    const start = this.scanner!.areaStart(area);
    this.parsePiece(start, start + length);
  }

  /** Parses the complete lines of `chunk`; its tail waits for the next chunk. The chunk may be reused afterwards. */
  push(chunk: Buffer): void {
    const area = this.input(0);
    for (let at = 0; at < chunk.length; at += SCAN_CAPACITY) {
      this.pushInput(0, chunk.copy(area, 0, at, Math.min(chunk.length, at + SCAN_CAPACITY)));
    }
  }

  /** The input ended: a last line without a newline still counts. Reports the read count to `diagnostics`. */
  end(): void {
    if (this.carry.pending) this.finishCarriedLine();
    this.release();
    this.options.diagnostics.read(this.source, this.counts.read);
  }

  /** The input broke off (e.g. a truncated gzip): the partial line is dropped, the break reported as a skip. */
  abort(reason: string): void {
    this.carry.clear();
    this.release();
    this.skip(this.lineNumber + 1, reason);
    this.options.diagnostics.read(this.source, this.counts.read);
  }

  private release(): void {
    if (this.scanner !== undefined) returnScanner(this.scanner);
    this.scanner = undefined;
  }

  /** Parses every line that ends in the scanner's `text[from..to)`, from the scanner's boundaries. */
  private parsePiece(from: number, to: number): void {
    const scanner = this.scanner!;
    const text = scanner.text;
    const lineCount = scanner.scan(from, to);
    const { seps, lines, flags } = scanner;
    if (lineCount === 0) return this.carry.keep(text, from, to);
    let k = 1;
    if (this.carry.pending) {
      this.carry.keep(text, from, seps[lines[1]!]! - 1);
      this.finishCarriedLine();
      k = 2;
    }
    const view = this.view;
    const { maxLineBytes } = this.carry;
    for (; k <= lineCount; k++) {
      const base = lines[k - 1]!;
      const last = lines[k]!;
      const start = seps[base]!;
      const lineEnd = seps[last]!; // one past the LF, and the next line's start
      if (lineEnd - 1 - start > maxLineBytes) {
        // As a carried line is held to it: whether a line is too long does not depend on where reads end.
        this.overlongLine();
        continue;
      }
      let end = lineEnd - 1;
      if (end > start && text[end - 1] === CR) end -= 1;
      // The line's last field ends at `end`, not at the LF: mark it so for the decoders, then put the start back.
      seps[last] = end + 1;
      view.ascii = flags[k] === 0;
      this.line(text, seps, base, last - base, start, end);
      seps[last] = lineEnd;
    }
    const tail = seps[lines[lineCount]!]!;
    if (tail < to) this.carry.keep(text, tail, to);
  }

  /** A line longer than `maxLineBytes` (without its LF) is numbered and skipped, whether it was carried or not. */
  private overlongLine(): void {
    this.lineNumber += 1;
    this.skip(this.lineNumber, `line longer than ${this.carry.maxLineBytes} bytes: expected a W3C log line`);
  }

  /** The carried line is complete: parse it. */
  private finishCarriedLine(): void {
    const line = this.carry.take();
    if (line === undefined) return this.overlongLine();
    this.view.ascii = false;
    this.line(line.buf, line.bounds, 0, line.found, 0, line.end);
  }

  /**
   * One line, `buf[start..end)` without its line break, with `found` fields starting at `bounds[base..]` and
   * `bounds[base + found] = end + 1`. The line is numbered and loses a byte order mark: not only the first line, since
   * logs joined into one file (`cat`, `copy /b`) carry each file's mark where that file began, and a `#Fields` line
   * read as data would leave the previous layout on the lines after it.
   */
  private line(
    buf: Buffer,
    bounds: Int32Array,
    base: number,
    found: number,
    start: number,
    end: number,
  ): void {
    this.lineNumber += 1;
    if (buf[start] === NUL || buf[start] === BOM_FIRST_BYTE) {
      const from = contentStart(buf, start, end);
      const kept = bounds[base]!;
      bounds[base] = from;
      this.lineContent(buf, bounds, base, found, from, end);
      bounds[base] = kept;
      return;
    }
    this.lineContent(buf, bounds, base, found, start, end);
  }

  /** A directive, a data line or a blank line, by the rules in the class comment. */
  private lineContent(
    buf: Buffer,
    bounds: Int32Array,
    base: number,
    found: number,
    start: number,
    end: number,
  ): void {
    const lineNumber = this.lineNumber;
    if (start === end) return;
    if (buf[start] === HASH) {
      this.layout = parseFieldsDirective(buf.toString("utf8", start, end), lineNumber) ?? this.layout;
      return;
    }
    const layout = this.layout;
    if (layout === undefined) return this.skip(lineNumber, NO_FIELDS_REASON);
    if (layout.dateIndex < 0 || layout.timeIndex < 0) return this.skip(lineNumber, noDateTimeReason(layout));
    if (found !== layout.fieldCount) return this.skip(lineNumber, fieldCountReason(layout, found));

    const filter = this.options.acceptStem;
    if (filter !== undefined) {
      let stemStart = 0;
      let stemEnd = 0;
      if (layout.stemIndex >= 0) {
        stemStart = bounds[base + layout.stemIndex]!;
        stemEnd = bounds[base + layout.stemIndex + 1]! - 1;
        if (stemEnd - stemStart === 1 && buf[stemStart] === DASH) stemEnd = stemStart; // "-": no stem
      }
      if (!filter(buf, stemStart, stemEnd)) {
        this.counts.read += 1;
        return;
      }
    }
    const { dateIndex, timeIndex } = layout;
    const time = this.clock.read(
      buf,
      bounds[base + dateIndex]!,
      bounds[base + dateIndex + 1]! - 1,
      bounds[base + timeIndex]!,
      bounds[base + timeIndex + 1]! - 1,
    );
    if (time === undefined) return this.skip(lineNumber, BAD_DATE_TIME_REASON);
    this.counts.read += 1;
    this.counts.accepted += 1;
    const view = this.view;
    view.reset(buf, bounds, base, layout, time, lineNumber);
    if (view.hostless()) this.counts.rowsWithoutHost += 1;
    const onLine = this.options.onLine;
    if (onLine !== undefined) onLine(view);
    else this.onRequest(view.toRequest());
  }

  private skip(line: number, reason: string): void {
    this.counts.skipped += 1;
    this.options.diagnostics.skip({ source: this.source, line, reason });
  }
}

/**
 * Where the content of the line `buf[start..end)` starts: after the NULs IIS pads a log with when it stops writing
 * abruptly (it goes on after them when it starts again), then after a byte order mark. Neither is part of the line.
 */
export function contentStart(buf: Uint8Array, start: number, end: number): number {
  let from = start;
  while (from < end && buf[from] === NUL) from += 1;
  if (buf[from] === BOM_FIRST_BYTE && startsWithBom(buf, from, end)) from += 3;
  return from;
}

/** Whether the line starts with the UTF-8 byte order mark (EF BB BF), which some tools put before `#Software`. */
function startsWithBom(buf: Uint8Array, start: number, end: number): boolean {
  return end - start >= 3 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf;
}
