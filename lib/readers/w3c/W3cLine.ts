import type { RequestLine } from "../../core/model/RequestLine.js";
import {
  createWebRequest,
  type NumberColumn,
  type TextColumn,
  type WebRequest,
} from "../../core/model/WebRequest.js";
import type { W3cLayout } from "./W3cLayout.js";

/**
 * One good W3C data line, as the fast reader hands it to a line observer before any string is built: its bytes,
 * its field boundaries, its layout and its time. Observers pick the few fields they need (`text`, `number`, or the
 * raw bytes of a field) and build the whole request (`toRequest`) only for lines they keep; every value is exactly
 * what the same field of `toRequest()` holds. `-` (W3C's "not logged") reads as `""` or `undefined`.
 *
 * The reader reuses one object for every line of a file: it is valid only during the call.
 */
export class W3cLine implements RequestLine {
  buf: Buffer = Buffer.alloc(0);
  /** Field `i` is `buf[bounds[base + i] .. bounds[base + i + 1] - 1)`. */
  bounds: Int32Array = new Int32Array(1);
  base = 0;
  layout!: W3cLayout;
  /** `date` + `time`, epoch milliseconds (UTC): always valid, lines with a bad one are skipped before. */
  time = 0;
  lineNumber = 0;
  /** Whether every byte of the line is below 0x80, so that its bytes are its characters. */
  ascii = false;
  // `toRequest` decodes an ASCII line whole (as Latin-1) and takes its fields as substrings (pure JavaScript), where
  // decoding each field would cost a call into Node's C++ each. The line, not the chunk: a kept field is a slice
  // that holds its whole parent string alive. `text` decodes just its field, which is then all it holds.
  private lineText: string | undefined;
  private lineStart = 0;
  // Host, site and server address change rarely from line to line: decoded once per change, the same string
  // object comes back, and Map lookups on it reuse its cached hash.
  private readonly site = new FieldMemo();
  private readonly computer = new FieldMemo();
  private readonly serverIp = new FieldMemo();

  constructor(readonly defaultHost: string | undefined) {}

  /** The reader moves on to the next line. */
  reset(
    buf: Buffer,
    bounds: Int32Array,
    base: number,
    layout: W3cLayout,
    time: number,
    lineNumber: number,
  ): void {
    this.buf = buf;
    this.bounds = bounds;
    this.base = base;
    this.layout = layout;
    this.time = time;
    this.lineNumber = lineNumber;
    this.lineText = undefined;
  }

  stemStart(): number {
    const index = this.layout.stemIndex;
    return index < 0 ? 0 : this.fieldStart(index);
  }

  stemEnd(): number {
    const index = this.layout.stemIndex;
    if (index < 0) return 0;
    const start = this.fieldStart(index);
    const end = this.fieldEnd(index);
    return end - start === 1 && this.buf[start] === 0x2d ? start : end; // "-": not logged
  }

  columnStart(column: TextColumn): number {
    const index = this.layout.columnIndex[column];
    return index === undefined ? -1 : this.fieldStart(index);
  }

  columnEnd(column: TextColumn): number {
    const index = this.layout.columnIndex[column];
    return index === undefined ? -1 : this.fieldEnd(index);
  }

  /** Start of field `index` in `buf`. */
  fieldStart(index: number): number {
    return this.bounds[this.base + index]!;
  }

  /** End (exclusive) of field `index` in `buf`. */
  fieldEnd(index: number): number {
    return this.bounds[this.base + index + 1]! - 1;
  }

  /** The column's value, as `toRequest()[column]` has it. */
  text(column: TextColumn): string {
    const { columnIndex } = this.layout;
    switch (column) {
      case "Computer":
        return this.defaultHost ?? "";
      case "sComputerName": {
        const index = columnIndex.sComputerName;
        return index === undefined ? (this.defaultHost ?? "") : this.computer.read(this, index);
      }
      case "sSiteName": {
        const index = columnIndex.sSiteName;
        return index === undefined ? "" : this.site.read(this, index);
      }
      case "sIP": {
        const index = columnIndex.sIP;
        return index === undefined ? "" : this.serverIp.read(this, index);
      }
      default: {
        const index = columnIndex[column];
        return index === undefined ? "" : this.fieldText(index, false);
      }
    }
  }

  /** Whether `toRequest()` would have no host name at all (`sComputerName` and `Computer` empty), read on bytes. */
  hostless(): boolean {
    if (this.defaultHost !== undefined && this.defaultHost !== "") return false;
    const index = this.layout.columnIndex.sComputerName;
    if (index === undefined) return true;
    const start = this.fieldStart(index);
    const end = this.fieldEnd(index);
    return end === start || (end - start === 1 && this.buf[start] === 0x2d);
  }

  /** The column's value, as `toRequest()[column]` has it. */
  number(column: NumberColumn): number | undefined {
    const index = this.layout.columnIndex[column];
    return index === undefined ? undefined : this.fieldNumber(index);
  }

  /** The whole request, as the reader would have built it. */
  toRequest(): WebRequest {
    const request = createWebRequest(this.time);
    for (const field of this.layout.mapped) {
      if (field.kind === "number") field.set(request, this.fieldNumber(field.index));
      else field.set(request, this.fieldText(field.index, true));
    }
    if (this.defaultHost !== undefined) {
      request.Computer = this.defaultHost;
      if (!this.layout.hasComputerName) request.sComputerName = this.defaultHost;
    }
    return request;
  }

  /**
   * Field `index` as text, as logged (header values keep IIS's `+` for a space: docs/design.md §4.10). `fromLine`:
   * take it from the whole line's text, for callers that read many fields of the line.
   */
  fieldText(index: number, fromLine: boolean): string {
    const start = this.fieldStart(index);
    const end = this.fieldEnd(index);
    if (end - start === 1 && this.buf[start] === 0x2d) return "";
    return this.decode(start, end, fromLine);
  }

  // An ASCII line's field is a substring of the chunk's text. Otherwise the field alone is decoded: the UTF-8
  // decoder never merges a space into a replacement character, so that is what decoding the line and splitting it
  // on spaces would give.
  private decode(start: number, end: number, fromLine: boolean): string {
    if (!fromLine) return this.buf.toString(this.ascii ? "latin1" : "utf8", start, end);
    if (!this.ascii) return this.buf.toString("utf8", start, end);
    if (this.lineText === undefined) {
      this.lineStart = this.fieldStart(0);
      this.lineText = this.buf.toString("latin1", this.lineStart, this.fieldEnd(this.layout.fieldCount - 1));
    }
    return this.lineText.substring(start - this.lineStart, end - this.lineStart);
  }

  /** Field `index` as a number when it is all ASCII digits, else `undefined` (`-`, empty, sign, letters). */
  private fieldNumber(index: number): number | undefined {
    const start = this.fieldStart(index);
    const end = this.fieldEnd(index);
    if (end === start) return undefined;
    let value = 0;
    for (let at = start; at < end; at++) {
      const d = this.buf[at]! - 0x30;
      if (d < 0 || d > 9) return undefined;
      value = value * 10 + d;
    }
    // Up to 15 digits the sum is exact; longer ones go through Number() for its rounding.
    return end - start > 15 ? Number(this.buf.toString("latin1", start, end)) : value;
  }
}

/** The last value of one field, kept with its bytes so that the next equal field costs a compare. */
class FieldMemo {
  private bytes = Buffer.alloc(64);
  private length = -1;
  private value = "";

  read(line: W3cLine, index: number): string {
    const { buf } = line;
    const start = line.fieldStart(index);
    const length = line.fieldEnd(index) - start;
    if (length === this.length && equalBytes(this.bytes, buf, start, length)) return this.value;
    this.value = line.fieldText(index, false);
    if (length > this.bytes.length) this.bytes = Buffer.alloc(2 * length);
    buf.copy(this.bytes, 0, start, start + length);
    this.length = length;
    return this.value;
  }
}

function equalBytes(kept: Buffer, buf: Buffer, start: number, length: number): boolean {
  for (let k = 0; k < length; k++) if (kept[k] !== buf[start + k]) return false;
  return true;
}
