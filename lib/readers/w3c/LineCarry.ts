const CR = 0x0d;
const SPACE = 0x20;

/**
 * The start of a line that a chunk cut off, kept (copied) until the chunk that ends it comes: at most one line per
 * chunk, so it is split into fields here, byte by byte, rather than by the chunk scanner. A line longer than
 * `maxLineBytes` is not kept: it is marked `overlong` and its bytes dropped, so that memory stays bounded.
 */
export class LineCarry {
  /** The pending line outgrew `maxLineBytes`: its bytes are dropped until its end. */
  overlong = false;
  private buf = Buffer.allocUnsafe(1024);
  private length = 0;
  private bounds = new Int32Array(64);

  constructor(readonly maxLineBytes: number) {}

  /** Whether part of a line is waiting for its end. */
  get pending(): boolean {
    return this.length > 0 || this.overlong;
  }

  /** Keeps `chunk[start..end)` after what is kept already. */
  keep(chunk: Buffer, start: number, end: number): void {
    if (this.overlong) return;
    const needed = this.length + end - start;
    if (needed > this.maxLineBytes) {
      this.overlong = true;
      this.length = 0;
      return;
    }
    if (needed > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.min(Math.max(needed, 2 * this.buf.length), this.maxLineBytes));
      this.buf.copy(grown, 0, 0, this.length);
      this.buf = grown;
    }
    this.length += chunk.copy(this.buf, this.length, start, end);
  }

  /** Forgets the pending line (the input broke off). */
  clear(): void {
    this.length = 0;
    this.overlong = false;
  }

  /**
   * The kept line, complete, split into fields (as the chunk scanner splits: `found` fields starting at
   * `bounds[0..]`, `bounds[found] = end + 1`, a final CR dropped), and forgotten; `undefined` when it was overlong.
   * The buffers are reused by the next line.
   */
  take(): { buf: Buffer; bounds: Int32Array; found: number; end: number } | undefined {
    if (this.overlong) {
      this.overlong = false;
      return undefined;
    }
    const buf = this.buf;
    let end = this.length;
    this.length = 0;
    if (end > 0 && buf[end - 1] === CR) end -= 1;
    let found = 1;
    for (let at = 0; at < end; at++) if (buf[at] === SPACE) found += 1;
    if (this.bounds.length < found + 1) this.bounds = new Int32Array(2 * (found + 1));
    const bounds = this.bounds;
    bounds[0] = 0;
    for (let at = 0, field = 1; at < end; at++) if (buf[at] === SPACE) bounds[field++] = at + 1;
    bounds[found] = end + 1;
    return { buf, bounds, found, end };
  }
}
