import type { Diagnostics } from "../diagnostics/Diagnostics.js";
import { decodeW3cRequest } from "./decodeW3cRequest.js";
import type { IisFileCounts } from "./IisReadSummary.js";
import type { StemFilter } from "./scriptStemFilter.js";
import { parseFieldsDirective, type W3cLayout } from "./W3cLayout.js";
import {
  BAD_DATE_TIME_REASON,
  fieldCountReason,
  NO_FIELDS_REASON,
  noDateTimeReason,
} from "./w3cSkipReasons.js";
import type { WebRequest } from "./WebRequest.js";

/** Options of {@link W3cChunkParser}. */
export interface W3cChunkParserOptions {
  diagnostics: Diagnostics;
  acceptStem?: StemFilter;
  defaultHost?: string;
  /** Longest line kept whole across chunks (default 16 MiB); a longer one is skipped, so memory stays bounded. */
  maxLineBytes?: number;
}

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const HASH = 0x23;
const DASH = 0x2d;
const DEFAULT_MAX_LINE_BYTES = 16 << 20;

/**
 * The fast W3C extended log parser: takes the file's bytes in chunks of any size and emits a {@link WebRequest} per
 * good data line. It splits lines and fields on bytes and offers the raw `cs-uri-stem` bytes to `acceptStem`
 * before any string is built, so a rejected line costs one scan of its bytes. Only a line that spans two chunks is
 * copied (into a carry buffer).
 *
 * Per data line, in this order: no `#Fields` yet, or a layout without date and time → skip; wrong field count →
 * skip; stem rejected by the filter → counted as read, nothing else checked; bad date/time → skip; else a row.
 * `parseW3cText` is the plain reference with the same rules.
 */
export class W3cChunkParser {
  readonly counts: IisFileCounts = { read: 0, skipped: 0, accepted: 0, rowsWithoutHost: 0 };
  private layout: W3cLayout | undefined;
  private lineNumber = 0;
  private carry = Buffer.allocUnsafe(1024);
  private carryLength = 0;
  /** The pending line outgrew `maxLineBytes`: its bytes are dropped until its end. */
  private overlong = false;
  private bounds = new Int32Array(64);
  private readonly maxLineBytes: number;

  constructor(
    readonly source: string,
    private readonly options: W3cChunkParserOptions,
    private readonly onRequest: (request: WebRequest) => void,
  ) {
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  }

  /** Parses the complete lines of `chunk`; its tail waits for the next chunk. The chunk may be reused afterwards. */
  push(chunk: Buffer): void {
    let at = 0;
    if (this.carryLength > 0 || this.overlong) {
      const newline = chunk.indexOf(LF);
      if (newline === -1) {
        this.keep(chunk, 0, chunk.length);
        return;
      }
      this.keep(chunk, 0, newline);
      this.finishCarriedLine();
      at = newline + 1;
    }
    for (let newline = chunk.indexOf(LF, at); newline !== -1; newline = chunk.indexOf(LF, at)) {
      this.line(chunk, at, newline);
      at = newline + 1;
    }
    if (at < chunk.length) this.keep(chunk, at, chunk.length);
  }

  /** The input ended: a last line without a newline still counts. Reports the read count to `diagnostics`. */
  end(): void {
    if (this.carryLength > 0 || this.overlong) this.finishCarriedLine();
    this.options.diagnostics.read(this.source, this.counts.read);
  }

  /** The input broke off (e.g. a truncated gzip): the partial line is dropped, the break reported as a skip. */
  abort(reason: string): void {
    this.carryLength = 0;
    this.overlong = false;
    this.skip(this.lineNumber + 1, reason);
    this.options.diagnostics.read(this.source, this.counts.read);
  }

  private keep(chunk: Buffer, start: number, end: number): void {
    if (this.overlong) return;
    const needed = this.carryLength + end - start;
    if (needed > this.maxLineBytes) {
      this.overlong = true;
      this.carryLength = 0;
      return;
    }
    if (needed > this.carry.length) {
      const grown = Buffer.allocUnsafe(Math.min(Math.max(needed, 2 * this.carry.length), this.maxLineBytes));
      this.carry.copy(grown, 0, 0, this.carryLength);
      this.carry = grown;
    }
    this.carryLength += chunk.copy(this.carry, this.carryLength, start, end);
  }

  private finishCarriedLine(): void {
    if (this.overlong) {
      this.overlong = false;
      this.lineNumber += 1;
      this.skip(this.lineNumber, `line longer than ${this.maxLineBytes} bytes: expected a W3C log line`);
      return;
    }
    const length = this.carryLength;
    this.carryLength = 0;
    this.line(this.carry, 0, length);
  }

  /** One line, `buf[start..end)` without its LF. */
  private line(buf: Buffer, start: number, end: number): void {
    const lineNumber = ++this.lineNumber;
    if (end > start && buf[end - 1] === CR) end -= 1;
    if (lineNumber === 1 && startsWithBom(buf, start, end)) start += 3;
    if (start === end) return;
    if (buf[start] === HASH) {
      this.layout = parseFieldsDirective(buf.toString("utf8", start, end), lineNumber) ?? this.layout;
      return;
    }
    const layout = this.layout;
    if (layout === undefined) return this.skip(lineNumber, NO_FIELDS_REASON);
    if (layout.dateIndex < 0 || layout.timeIndex < 0) return this.skip(lineNumber, noDateTimeReason(layout));

    const expected = layout.fieldCount;
    if (this.bounds.length < expected + 1) this.bounds = new Int32Array(2 * (expected + 1));
    const bounds = this.bounds;
    bounds[0] = start;
    let found = 1;
    for (let at = start; at < end; at++) {
      if (buf[at] === SPACE) {
        if (found < expected) bounds[found] = at + 1;
        found += 1;
      }
    }
    if (found !== expected) return this.skip(lineNumber, fieldCountReason(layout, found));
    bounds[expected] = end + 1;

    const filter = this.options.acceptStem;
    if (filter !== undefined) {
      let stemStart = 0;
      let stemEnd = 0;
      if (layout.stemIndex >= 0) {
        stemStart = bounds[layout.stemIndex]!;
        stemEnd = bounds[layout.stemIndex + 1]! - 1;
        if (stemEnd - stemStart === 1 && buf[stemStart] === DASH) stemEnd = stemStart; // "-": no stem
      }
      if (!filter(buf, stemStart, stemEnd)) {
        this.counts.read += 1;
        return;
      }
    }
    const request = decodeW3cRequest(buf, bounds, layout, this.options.defaultHost);
    if (request === undefined) return this.skip(lineNumber, BAD_DATE_TIME_REASON);
    this.counts.read += 1;
    this.counts.accepted += 1;
    if (request.sComputerName === "" && request.Computer === "") this.counts.rowsWithoutHost += 1;
    this.onRequest(request);
  }

  private skip(line: number, reason: string): void {
    this.counts.skipped += 1;
    this.options.diagnostics.skip({ source: this.source, line, reason });
  }
}

/** Whether the line starts with the UTF-8 byte order mark (EF BB BF), which some tools put before `#Software`. */
function startsWithBom(buf: Buffer, start: number, end: number): boolean {
  return end - start >= 3 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf;
}
