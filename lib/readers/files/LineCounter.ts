/**
 * Counts LF bytes of a stream up to a byte offset, for readers that learn where a record ends only as a byte
 * offset. Offsets must not go back; chunks are released once the offset has passed them, so memory stays bounded
 * by what the consumer has not reached yet.
 */
export class LineCounter {
  private readonly chunks: { start: number; bytes: Buffer }[] = [];
  private total = 0;
  private position = 0;
  private count = 0;

  /** The next chunk of the stream, in order. */
  add(chunk: Buffer): void {
    this.chunks.push({ start: this.total, bytes: chunk });
    this.total += chunk.length;
  }

  /** Number of LF bytes in the stream before byte `offset`. */
  linesBefore(offset: number): number {
    while (this.position < offset) {
      const head = this.chunks[0];
      if (head === undefined) break;
      const stop = Math.min(offset - head.start, head.bytes.length);
      for (let at = head.bytes.indexOf(0x0a, this.position - head.start); at !== -1 && at < stop;) {
        this.count += 1;
        at = head.bytes.indexOf(0x0a, at + 1);
      }
      this.position = head.start + stop;
      if (stop === head.bytes.length) this.chunks.shift();
    }
    return this.count;
  }
}
