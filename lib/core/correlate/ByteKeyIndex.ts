/**
 * Numbers byte strings (`buf[start..end)`) in the order they are first added, so that a reader can find a field of
 * a line without making a string of it, and keep what it knows per key in typed arrays indexed by that number. The
 * key bytes are copied once, when the key is added, into one growing byte array: a key costs its bytes and about
 * 20 more, where a string key of a `Map` costs several times that. Open addressing with linear probing over a
 * power-of-two table; keys are never removed.
 *
 * @example
 * const pages = new ByteKeyIndex();
 * const page = pages.add(line, stemStart, stemEnd); // 0
 * pages.find(line, stemStart, stemEnd); // 0
 */
export class ByteKeyIndex {
  /**
   * Two entries per table slot: the key number + 1 (0 when empty) and the key's hash, side by side so that a probe
   * reads one place in memory before it compares bytes (with millions of keys, each read is a cache miss).
   */
  private table = new Int32Array(2048);
  /** Two entries per key: where its bytes start in `keys`, and how many there are (one read, as above). */
  private spans = new Int32Array(1024);
  private keys = new Uint8Array(16_384);
  private keyBytes = 0;
  private count = 0;

  /** Number of keys. */
  get size(): number {
    return this.count;
  }

  /** Bytes held for the keys themselves. */
  get keyBytesUsed(): number {
    return this.keyBytes;
  }

  /** The key's number, or -1 when it was never added. */
  find(buf: Uint8Array, start: number, end: number): number {
    const hash = hashBytes(buf, start, end);
    const { table } = this;
    const mask = (table.length >> 1) - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const key = table[2 * slot]! - 1;
      if (key < 0) return -1;
      if (table[2 * slot + 1] === hash && this.keyEquals(key, buf, start, end)) return key;
    }
  }

  /** The key's number, adding the key first when it is new. */
  findOrAdd(buf: Uint8Array, start: number, end: number): number {
    const found = this.find(buf, start, end);
    return found >= 0 ? found : this.add(buf, start, end);
  }

  /** Adds a key that is not there yet (check with `find` first) and returns its number. */
  add(buf: Uint8Array, start: number, end: number): number {
    const key = this.count;
    if (4 * (key + 1) > this.table.length) this.grow();
    const length = end - start;
    if (this.keyBytes + length > this.keys.length) {
      // 1.5 × rather than 2 ×: on a long tail of pages the key bytes are most of what the index holds.
      const keys = new Uint8Array(
        Math.max(this.keys.length + (this.keys.length >> 1), this.keyBytes + length),
      );
      keys.set(this.keys.subarray(0, this.keyBytes));
      this.keys = keys;
    }
    this.keys.set(buf.subarray(start, end), this.keyBytes);
    const hash = hashBytes(buf, start, end);
    this.spans[2 * key] = this.keyBytes;
    this.spans[2 * key + 1] = length;
    this.keyBytes += length;
    this.count += 1;
    this.place(key, hash);
    return key;
  }

  /** Every key's bytes end to end, in key order (a copy), and where each ends: the index as plain data. */
  allKeys(): { keys: Uint8Array; ends: Int32Array } {
    const ends = new Int32Array(this.count);
    for (let key = 0; key < this.count; key++) ends[key] = this.spans[2 * key]! + this.spans[2 * key + 1]!;
    // Keys are stored one after the other as they are added, so their bytes are already in this form.
    return { keys: this.keys.slice(0, this.keyBytes), ends };
  }

  private keyEquals(key: number, buf: Uint8Array, start: number, end: number): boolean {
    if (this.spans[2 * key + 1] !== end - start) return false;
    const keys = this.keys;
    const offset = this.spans[2 * key]! - start;
    for (let at = start; at < end; at++) if (keys[at + offset] !== buf[at]) return false;
    return true;
  }

  private place(key: number, hash: number): void {
    const { table } = this;
    const mask = (table.length >> 1) - 1;
    let slot = hash & mask;
    while (table[2 * slot] !== 0) slot = (slot + 1) & mask;
    table[2 * slot] = key + 1;
    table[2 * slot + 1] = hash;
  }

  // Keeps the table at most half full, so that probes stay short.
  private grow(): void {
    const old = this.table;
    this.table = new Int32Array(2 * old.length);
    const spans = new Int32Array(old.length);
    spans.set(this.spans);
    this.spans = spans;
    for (let slot = 0; slot < old.length; slot += 2)
      if (old[slot] !== 0) this.place(old[slot]! - 1, old[slot + 1]!);
  }
}

/** FNV-1a over the bytes, as a signed 32-bit integer (what the hash table stores): cheap, and good enough here. */
function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5 | 0;
  for (let at = start; at < end; at++) hash = Math.imul(hash ^ buf[at]!, 0x01000193);
  return hash;
}
