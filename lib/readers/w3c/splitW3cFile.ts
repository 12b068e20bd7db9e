import { open } from "node:fs/promises";

import { contentStart, DEFAULT_MAX_LINE_BYTES } from "./W3cChunkParser.js";
import { parseFieldsDirective } from "./W3cLayout.js";

/**
 * A run of whole lines of a W3C log, to be read on its own (`readW3cRange`) as if the file were read from its start:
 * with the line numbers and the `#Fields` in force that reading would have reached there.
 */
export interface W3cRange {
  /** Offset of the range's first line. */
  start: number;
  /** Offset just past its last line's LF; `undefined` for the last range, which goes on to the end of the file. */
  end: number | undefined;
  /** Lines before the range: its first line is line `linesBefore + 1`. */
  linesBefore: number;
  /** The last `#Fields` directive before the range (its text, as the reader parses it, and its line), if any. */
  fields: { text: string; line: number } | undefined;
  /**
   * The file that was cut (its device and inode), so that a range is not read from another file put at its path
   * since (a log replaced, or rotated by rename): its offsets, lines and `#Fields` would be another file's.
   */
  file: string;
}

const CHUNK = 4 << 20;

/** Sizes a test makes small, to put chunk ends and the longest line where it wants them. */
export interface SplitLimits {
  /** Bytes read at a time (default 4 MiB). */
  chunkBytes?: number;
  /** The reader's longest line (default, as the reader's, 16 MiB). */
  maxLineBytes?: number;
}
const LF = 0x0a;
const HASH = 0x23;
const NUL = 0x00;
const BOM_FIRST_BYTE = 0xef;
const CR = 0x0d;

/**
 * Cuts a plain (not gzip) W3C log into ranges of at least `rangeBytes`, each starting on a line, in file order, as
 * it reads the file once: a range comes out as soon as the read has passed its end, so that a reader can start on
 * it while the rest is cut. Each range carries what the reader needs to read it alone: the number of lines before
 * it (skips name their line) and the `#Fields` in force (a data line's columns, and the line its reason names).
 *
 * The file is read as bytes and only its line starts are looked at: one search per LF, and a line is decoded only
 * when it starts with `#` (after the NULs and byte order mark the reader would strip: see `contentStart`). Memory
 * is one chunk, and a directive line cut by a chunk (kept up to the reader's longest line: a longer one is no
 * directive to the reader either, which skips it).
 */
export async function* splitW3cFile(
  path: string,
  rangeBytes: number,
  { chunkBytes = CHUNK, maxLineBytes = DEFAULT_MAX_LINE_BYTES }: SplitLimits = {},
): AsyncGenerator<W3cRange> {
  const handle = await open(path, "r");
  try {
    const file = fileIdentity(await handle.stat({ bigint: true }));
    const buf = Buffer.allocUnsafe(chunkBytes);
    let position = 0;
    let lines = 0;
    let fields: W3cRange["fields"];
    let range: W3cRange = { start: 0, end: undefined, linesBefore: 0, fields: undefined, file };
    /** Where the chunk starts: on a line, or inside one (kept when it may be a directive, else passed over). */
    let state: "line" | "inside" | "candidate" = "line";
    let kept: Buffer[] = [];
    let keptBytes = 0;

    /** The line `lines + 1` is complete: a `#Fields` directive to the reader becomes the one in force. */
    const endLine = (line: Uint8Array, length: number) => {
      lines += 1;
      if (length > maxLineBytes) return; // the reader skips it as too long
      let end = line.length;
      if (end > 0 && line[end - 1] === CR) end -= 1;
      const from = contentStart(line, 0, end);
      if (line[from] !== HASH) return;
      const text = Buffer.from(line.buffer, line.byteOffset + from, end - from).toString("utf8");
      if (parseFieldsDirective(text, lines) !== undefined) fields = { text, line: lines };
    };
    const keep = (bytes: Uint8Array) => {
      if (keptBytes + bytes.length <= maxLineBytes) kept.push(Buffer.from(bytes));
      keptBytes += bytes.length;
    };

    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, chunkBytes, position);
      if (bytesRead === 0) break;
      const chunk = buf.subarray(0, bytesRead);
      let at = 0;
      if (state !== "line") {
        const lf = chunk.indexOf(LF);
        const upTo = lf === -1 ? bytesRead : lf;
        if (state === "candidate") keep(chunk.subarray(0, upTo));
        if (lf === -1) {
          position += bytesRead;
          continue;
        }
        if (state === "candidate") endLine(Buffer.concat(kept), keptBytes);
        else lines += 1;
        [kept, keptBytes] = [[], 0];
        at = lf + 1;
      }
      state = "line";
      // `at` is a line's first byte, in this chunk.
      for (; at < bytesRead;) {
        if (position + at - range.start >= rangeBytes) {
          yield { ...range, end: position + at };
          range = { start: position + at, end: undefined, linesBefore: lines, fields, file };
        }
        const lf = chunk.indexOf(LF, at);
        const candidate = MAY_START_DIRECTIVE[chunk[at]!] === 1;
        if (lf === -1) {
          state = candidate ? "candidate" : "inside";
          if (candidate) keep(chunk.subarray(at));
          break;
        }
        if (candidate) endLine(chunk.subarray(at, lf), lf - at);
        else lines += 1;
        at = lf + 1;
      }
      position += bytesRead;
    }
    yield range;
  } finally {
    await handle.close();
  }
}

/** Bytes a directive line may start with, before the reader strips them: `#`, NUL padding, a byte order mark. */
const MAY_START_DIRECTIVE = Uint8Array.from({ length: 256 }, (_, b) =>
  b === HASH || b === NUL || b === BOM_FIRST_BYTE ? 1 : 0,
);

/** A file's identity as the file system gives it: device and inode, which a rename over its path changes. */
export function fileIdentity(stats: { dev: bigint; ino: bigint }): string {
  return `${stats.dev}:${stats.ino}`;
}
