import { halfSipHash, type HashKey, randomHashKey } from "./halfSipHash.js";

/**
 * A set of byte strings (`buf[start..end)`) known by a keyed 64-bit hash of their bytes, each with a few 32-bit words
 * its caller keeps for it: what the rarity baseline keeps per distinct page, without the page.
 *
 * Why not the bytes: on busy sites with ids in their URLs there are millions of distinct pages, each requested once
 * or twice, and their bytes were most of the baseline: 2 million pages of 110 bytes, each with 45 bytes beside
 * them, are 310 MB, and a run over them took 344 MiB. Here a key costs its payload, its 8-byte tag (half in its
 * record, half in its table slot) and the slot, 41 to 55 bytes whatever its length (measured by `npm run bench`: 41
 * just before the table doubles, 55 just after).
 *
 * Why a tag is enough: two keys are one key here when their tags are equal, and the tag is HalfSipHash-2-4 (a keyed
 * pseudo-random function) under a key drawn when the index is made. The logs were written before that key existed,
 * and nothing the run shows depends on a tag, so whoever wrote them can make two pages share a tag only by chance:
 * 2^-64 per pair of pages. A run that checks the baseline of a thousand candidate pages against ten million others
 * meets such a chance once in two billion runs; and a page merged with another only counts more addresses, the
 * direction an attacker gets far more cheaply by requesting the page from four addresses. For the same reason the
 * slots cannot be flooded: a table ordered by a keyed hash gives an attacker nothing to aim at.
 *
 * A key's handle is its number, in the order keys were added. Open addressing with linear probing over a power-of-two
 * table kept at most half full; keys are never removed.
 *
 * @example
 * const pages = new HashedKeyIndex(1);
 * const page = pages.findOrAdd(line, stemStart, stemEnd);
 * pages.find(line, stemStart, stemEnd) === page; // true
 * pages.setWord(page, 0, 42);
 */
export class HashedKeyIndex {
  /**
   * Two entries per table slot: the key's handle + 1 (0 when empty) and the first word of its tag, side by side so
   * that a probe reads one place in memory before it looks at a record.
   */
  private table = new Int32Array(2048);
  /**
   * The records, {@link CHUNK_RECORDS} per chunk: the caller's words, then the tag's second word (its first is in the
   * key's table slot). Chunks let the store grow without copying what it holds.
   */
  private readonly chunks: Int32Array[] = [];
  private readonly recordWords: number;
  private count = 0;
  private readonly tag = new Int32Array(2);
  private readonly key0: number;
  private readonly key1: number;

  /**
   * @param payloadWords 32-bit words kept per key for the caller, 0 until set
   * @param hashKey the hash's key, two 32-bit words; drawn at random unless given (tests give one)
   */
  constructor(
    readonly payloadWords = 0,
    hashKey: HashKey = randomHashKey(),
  ) {
    this.recordWords = payloadWords + 1;
    [this.key0, this.key1] = hashKey;
  }

  /** Number of keys. */
  get size(): number {
    return this.count;
  }

  /** The key's handle, or -1 when it was never added. */
  find(buf: Uint8Array, start: number, end: number, lowerAscii = false): number {
    const slot = this.probe(buf, start, end, lowerAscii);
    return this.table[2 * slot]! - 1;
  }

  /**
   * The key's handle, adding the key first when it is new. With `lowerAscii`, the key is the bytes with ASCII
   * capitals lowered (the bytes must be ASCII): a case-insensitive page, with no copy made to lower it.
   */
  findOrAdd(buf: Uint8Array, start: number, end: number, lowerAscii = false): number {
    let slot = this.probe(buf, start, end, lowerAscii);
    const found = this.table[2 * slot]! - 1;
    if (found >= 0) return found;
    if (4 * (this.count + 1) > this.table.length) {
      this.grow();
      slot = this.emptySlot(this.tag[0]!);
    }
    const handle = this.count++;
    if ((handle & CHUNK_MASK) === 0) this.chunks.push(new Int32Array(CHUNK_RECORDS * this.recordWords));
    this.chunks[handle >>> CHUNK_SHIFT]![(handle & CHUNK_MASK) * this.recordWords + this.payloadWords] =
      this.tag[1]!;
    this.table[2 * slot] = handle + 1;
    this.table[2 * slot + 1] = this.tag[0]!;
    return handle;
  }

  /** Payload word `i` of a key. */
  word(handle: number, i: number): number {
    return this.chunks[handle >>> CHUNK_SHIFT]![(handle & CHUNK_MASK) * this.recordWords + i]!;
  }

  setWord(handle: number, i: number, value: number): void {
    this.chunks[handle >>> CHUNK_SHIFT]![(handle & CHUNK_MASK) * this.recordWords + i] = value;
  }

  /** Hashes the key into `tag` and returns the slot that holds it, or the empty slot where its probe ends. */
  private probe(buf: Uint8Array, start: number, end: number, lowerAscii: boolean): number {
    halfSipHash(buf, start, end, this.key0, this.key1, this.tag, lowerAscii);
    const tag0 = this.tag[0]!;
    const tag1 = this.tag[1]!;
    const { table } = this;
    const mask = (table.length >> 1) - 1;
    for (let slot = tag0 & mask; ; slot = (slot + 1) & mask) {
      const handle = table[2 * slot]! - 1;
      if (handle < 0) return slot;
      if (table[2 * slot + 1] !== tag0) continue;
      const at = (handle & CHUNK_MASK) * this.recordWords + this.payloadWords;
      if (this.chunks[handle >>> CHUNK_SHIFT]![at] === tag1) return slot;
    }
  }

  /** The first empty slot of a probe that starts from a tag's first word. */
  private emptySlot(tag0: number): number {
    const { table } = this;
    const mask = (table.length >> 1) - 1;
    let slot = tag0 & mask;
    while (table[2 * slot] !== 0) slot = (slot + 1) & mask;
    return slot;
  }

  // Keeps the table at most half full, so that probes stay short.
  private grow(): void {
    const old = this.table;
    this.table = new Int32Array(2 * old.length);
    for (let slot = 0; slot < old.length; slot += 2) {
      if (old[slot] === 0) continue;
      const to = this.emptySlot(old[slot + 1]!);
      this.table[2 * to] = old[slot]!;
      this.table[2 * to + 1] = old[slot + 1]!;
    }
  }
}

/** Records are stored in chunks of 2^15 (under 1 MiB with five payload words): small next to millions of keys. */
const CHUNK_SHIFT = 15;
const CHUNK_RECORDS = 1 << CHUNK_SHIFT;
const CHUNK_MASK = CHUNK_RECORDS - 1;
