import { closeSync, openSync, writeSync } from "node:fs";

/**
 * Appends text to a file through one preallocated buffer, so that millions of lines cost a few hundred system
 * calls and no per-line `await`. Lines are first gathered into a string of ~64 K characters, because encoding one
 * string into the buffer is much cheaper than encoding thousands of small ones. Synchronous on purpose: the
 * generator is a batch job and the order of writes must not depend on the event loop.
 */
export class BufferedWriter {
  private readonly fd: number;
  private readonly buffer: Buffer;
  private used = 0;
  private pending = "";

  constructor(
    readonly path: string,
    size = 1 << 20,
  ) {
    this.fd = openSync(path, "w");
    this.buffer = Buffer.allocUnsafe(size);
  }

  /** Queues text (UTF-8); writes to the file when the buffer is full. */
  write(text: string): void {
    this.pending += text;
    if (this.pending.length >= 65_536) this.encodePending();
  }

  /** Writes what is buffered. */
  flush(): void {
    this.encodePending();
    this.writeAll(this.buffer, this.used);
    this.used = 0;
  }

  /** Writes what is left and closes the file. */
  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private encodePending(): void {
    const text = this.pending;
    this.pending = "";
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    if (this.used + text.length * 3 > this.buffer.length) {
      this.writeAll(this.buffer, this.used);
      this.used = 0;
      if (text.length * 3 > this.buffer.length) {
        this.writeAll(Buffer.from(text, "utf8"), Infinity);
        return;
      }
    }
    this.used += this.buffer.write(text, this.used, "utf8");
  }

  private writeAll(bytes: Buffer, length: number): void {
    const end = Math.min(length, bytes.length);
    // writeSync may write less than asked (rare for files, allowed by POSIX): loop until all is out.
    for (let done = 0; done < end;) done += writeSync(this.fd, bytes, done, end - done);
  }
}
