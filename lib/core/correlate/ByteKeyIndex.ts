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
  /** Per table slot: key number + 1, or 0 when empty. */
  private slots = new Int32Array(1024);
  private hashes = new Int32Array(512);
  private starts = new Int32Array(512);
  private lengths = new Int32Array(512);
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
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const key = this.slots[slot]! - 1;
      if (key < 0) return -1;
      if (this.hashes[key] === hash && this.keyEquals(key, buf, start, end)) return key;
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
    if (2 * (key + 1) > this.slots.length) this.grow();
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
    this.hashes[key] = hash;
    this.starts[key] = this.keyBytes;
    this.lengths[key] = length;
    this.keyBytes += length;
    this.count += 1;
    this.place(key, hash);
    return key;
  }

  /** The bytes of key number `key` (a view: valid until the next `add`). */
  keyOf(key: number): Uint8Array {
    const start = this.starts[key]!;
    return this.keys.subarray(start, start + this.lengths[key]!);
  }

  private keyEquals(key: number, buf: Uint8Array, start: number, end: number): boolean {
    if (this.lengths[key] !== end - start) return false;
    const keys = this.keys;
    const offset = this.starts[key]! - start;
    for (let at = start; at < end; at++) if (keys[at + offset] !== buf[at]) return false;
    return true;
  }

  private place(key: number, hash: number): void {
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = key + 1;
  }

  // Keeps the table at most half full, so that probes stay short.
  private grow(): void {
    this.slots = new Int32Array(2 * this.slots.length);
    for (const name of ["hashes", "starts", "lengths"] as const) {
      const grown = new Int32Array(this.slots.length / 2);
      grown.set(this[name]);
      this[name] = grown;
    }
    for (let key = 0; key < this.count; key++) this.place(key, this.hashes[key]!);
  }
}

/** FNV-1a over the bytes, as a signed 32-bit integer (what the hash table stores): cheap, and good enough here. */
function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5 | 0;
  for (let at = start; at < end; at++) hash = Math.imul(hash ^ buf[at]!, 0x01000193);
  return hash;
}
