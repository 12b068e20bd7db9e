/**
 * A hash map keyed by byte ranges (`buf[start..end)`), so that a reader can look up a field of a line without
 * first making a string of it: the key bytes are copied once, when the key is added. Open addressing with linear
 * probing over a power-of-two table; keys are never removed.
 *
 * @example
 * const pages = new ByteKeyMap<number>();
 * pages.set(line, stemStart, stemEnd, 1);
 * pages.get(line, stemStart, stemEnd); // 1
 */
export class ByteKeyMap<V> {
  /** Per table slot: entry number + 1, or 0 when empty. */
  private slots = new Int32Array(1024);
  private hashes = new Int32Array(512);
  private starts = new Int32Array(512);
  private lengths = new Int32Array(512);
  private readonly values: V[] = [];
  private keys = new Uint8Array(16_384);
  private keyBytes = 0;

  /** Number of keys. */
  get size(): number {
    return this.values.length;
  }

  /** Bytes held for the keys: callers that must bound memory stop adding past a budget. */
  get keyBytesUsed(): number {
    return this.keyBytes;
  }

  get(buf: Uint8Array, start: number, end: number): V | undefined {
    const hash = hashBytes(buf, start, end);
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]! - 1;
      if (entry < 0) return undefined;
      if (this.hashes[entry] === hash && this.keyEquals(entry, buf, start, end)) return this.values[entry];
    }
  }

  /** Adds a key that is not in the map yet (check with `get` first). */
  set(buf: Uint8Array, start: number, end: number, value: V): void {
    const entry = this.values.length;
    if (2 * (entry + 1) > this.slots.length) this.grow();
    const length = end - start;
    if (this.keyBytes + length > this.keys.length) {
      const keys = new Uint8Array(Math.max(2 * this.keys.length, this.keyBytes + length));
      keys.set(this.keys.subarray(0, this.keyBytes));
      this.keys = keys;
    }
    this.keys.set(buf.subarray(start, end), this.keyBytes);
    const hash = hashBytes(buf, start, end);
    this.hashes[entry] = hash;
    this.starts[entry] = this.keyBytes;
    this.lengths[entry] = length;
    this.keyBytes += length;
    this.values.push(value);
    this.place(entry, hash);
  }

  private keyEquals(entry: number, buf: Uint8Array, start: number, end: number): boolean {
    if (this.lengths[entry] !== end - start) return false;
    const keys = this.keys;
    const offset = this.starts[entry]! - start;
    for (let at = start; at < end; at++) if (keys[at + offset] !== buf[at]) return false;
    return true;
  }

  private place(entry: number, hash: number): void {
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = entry + 1;
  }

  // Keeps the table at most half full, so that probes stay short.
  private grow(): void {
    const entries = this.values.length;
    this.slots = new Int32Array(2 * this.slots.length);
    for (const name of ["hashes", "starts", "lengths"] as const) {
      const grown = new Int32Array(this.slots.length / 2);
      grown.set(this[name]);
      this[name] = grown;
    }
    for (let entry = 0; entry < entries; entry++) this.place(entry, this.hashes[entry]!);
  }
}

/** FNV-1a over the bytes, as a signed 32-bit integer (what the hash table stores): cheap, and good enough here. */
function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5 | 0;
  for (let at = start; at < end; at++) hash = Math.imul(hash ^ buf[at]!, 0x01000193);
  return hash;
}
