/**
 * A set of byte strings (`buf[start..end)`), each with a few 32-bit words its caller keeps for it, so that a reader
 * can find a field of a line without making a string of it, and keep what it knows about the key beside the key.
 *
 * Every key is one record of 32-bit words: its byte length, `payloadWords` words of the caller's, then its bytes
 * (padded to a word). A key's handle is where its record starts; handles are stable as the store grows and increase
 * in the order keys are first added. A key costs its bytes, its payload and about 20 more (the table at half full).
 *
 * Why records rather than arrays indexed by key number: with a long tail of distinct pages (a million, on sites with
 * ids in their URLs) nearly every lookup misses the CPU caches, and each separate array read by a lookup (the
 * table, the key's span, its bytes, then each of the caller's per-key arrays) was one more miss. Here a lookup
 * touches the table slot and then one record, whose length, payload and bytes share a cache line or two.
 *
 * Open addressing with linear probing over a power-of-two table kept at most half full; keys are never removed.
 *
 * @example
 * const pages = new ByteKeyIndex(1);
 * const page = pages.add(line, stemStart, stemEnd);
 * pages.find(line, stemStart, stemEnd) === page; // true
 * pages.setWord(page, 0, 42);
 */
export class ByteKeyIndex {
  /**
   * Two entries per table slot: the key's handle + 1 (0 when empty) and the key's hash, side by side so that a probe
   * reads one place in memory before it looks at a record.
   */
  private table = new Int32Array(2048);
  /**
   * The records, in chunks of {@link CHUNK_WORDS} words filled one after the other (a record that does not fit in
   * what is left of a chunk starts the next): the store grows without copying what it holds, so it never needs
   * twice its size. A record longer than a chunk gets an array of its own, under as many chunk numbers as it spans.
   */
  private readonly chunks: Int32Array[] = [];
  /** Words in use in each chunk (-1 for the chunk numbers a long record spans past its first). */
  private readonly filled: number[] = [];
  private count = 0;
  private keyBytes = 0;
  /** The key being looked up, as words (see `load`), and where `find` stopped: its hash, its empty slot (-1: none). */
  private probe = new Int32Array(64);
  private probeHash = 0;
  private probeSlot = 0;
  /**
   * Keys whose probe met {@link MAX_PROBES} taken slots or {@link MAX_SAME_HASH} keys of their hash, by their bytes as
   * text (see `probeText`). Never in ordinary logs; there for logs written to flood the table: the hash is public,
   * so whoever sends requests can make thousands of stems with one hash, and each would probe past all the others.
   * A `Map` hashes its strings with a seed of its own.
   */
  private overflow = new Map<string, number>();

  /** @param payloadWords 32-bit words kept per key for the caller, 0 until set */
  constructor(readonly payloadWords = 0) {}

  /** Number of keys. */
  get size(): number {
    return this.count;
  }

  /** Keys that found no slot within {@link MAX_PROBES} (none in ordinary logs: see `overflow`). */
  get overflowed(): number {
    return this.overflow.size;
  }

  /** Bytes held for the keys themselves. */
  get keyBytesUsed(): number {
    return this.keyBytes;
  }

  /** The key's handle, or -1 when it was never added. */
  find(buf: Uint8Array, start: number, end: number, lowerAscii = false): number {
    const hash = this.load(buf, start, end, lowerAscii);
    this.probeHash = hash;
    const { table } = this;
    const mask = (table.length >> 1) - 1;
    let slot = hash & mask;
    let sameHash = 0;
    for (let probes = 0; probes < MAX_PROBES; probes++, slot = (slot + 1) & mask) {
      const handle = table[2 * slot]! - 1;
      if (handle < 0) {
        this.probeSlot = slot;
        return -1;
      }
      if (table[2 * slot + 1] !== hash) continue;
      if (this.keyEquals(handle, end - start)) return handle;
      if (++sameHash === MAX_SAME_HASH) break;
    }
    // The probe's bound met (slots taken, or keys of this hash): the key went to the overflow when it was added, if
    // it was. Its probe met the same keys then: slots never empty.
    this.probeSlot = -1;
    return this.overflow.size === 0 ? -1 : (this.overflow.get(this.probeText(end - start)) ?? -1);
  }

  /**
   * The key's handle, adding the key first when it is new. With `lowerAscii`, the key is the bytes with ASCII
   * capitals lowered (the bytes must be ASCII): a case-insensitive page, with no copy made to lower it.
   */
  findOrAdd(buf: Uint8Array, start: number, end: number, lowerAscii = false): number {
    const found = this.find(buf, start, end, lowerAscii);
    // A miss leaves the key loaded and the empty slot that ends its probe: the key goes there, unless the table
    // must grow first.
    if (found >= 0) return found;
    if (4 * (this.count + 1) > this.table.length) return this.add(buf, start, end, lowerAscii);
    return this.insert(end - start, this.probeSlot, this.probeHash);
  }

  /** Adds a key that is not there yet (check with `find` first) and returns its handle. */
  add(buf: Uint8Array, start: number, end: number, lowerAscii = false): number {
    if (4 * (this.count + 1) > this.table.length) this.grow();
    const hash = this.load(buf, start, end, lowerAscii);
    const length = end - start;
    const handle = this.store(length);
    if (!this.place(handle, hash)) this.overflow.set(this.probeText(length), handle);
    return handle;
  }

  /** Payload word `i` of a key. */
  word(handle: number, i: number): number {
    return this.chunks[handle >>> CHUNK_SHIFT]![(handle & CHUNK_MASK) + 1 + i]!;
  }

  setWord(handle: number, i: number, value: number): void {
    this.chunks[handle >>> CHUNK_SHIFT]![(handle & CHUNK_MASK) + 1 + i] = value;
  }

  /** Every key's handle, in the order the keys were added. */
  *handles(): Generator<number> {
    for (let c = 0; c < this.chunks.length; c++) {
      const chunk = this.chunks[c]!;
      for (let at = 0; at < this.filled[c]!; at += this.recordWords(chunk[at]!)) yield c * CHUNK_WORDS + at;
    }
  }

  /** The bytes of the keys of `handles` end to end, in that order (a copy), and where each ends. */
  keysOf(handles: readonly number[]): { keys: Uint8Array; ends: Int32Array } {
    let bytes = 0;
    for (const handle of handles) bytes += this.chunks[handle >>> CHUNK_SHIFT]![handle & CHUNK_MASK]!;
    const keys = new Uint8Array(bytes);
    const ends = new Int32Array(handles.length);
    let at = 0;
    handles.forEach((handle, key) => {
      const chunk = this.chunks[handle >>> CHUNK_SHIFT]!;
      const from = (handle & CHUNK_MASK) + 1 + this.payloadWords;
      const length = chunk[handle & CHUNK_MASK]!;
      // By shifts rather than through a byte view of the words, whose byte order is the machine's.
      for (let b = 0; b < length; b++) keys[at + b] = (chunk[from + (b >> 2)]! >>> (8 * (b & 3))) & 0xff;
      at += length;
      ends[key] = at;
    });
    return { keys, ends };
  }

  /** Stores the key loaded in `probe` as a new record and puts it at `slot` of the table (-1: in the overflow). */
  private insert(length: number, slot: number, hash: number): number {
    const handle = this.store(length);
    if (slot < 0) this.overflow.set(this.probeText(length), handle);
    else {
      this.table[2 * slot] = handle + 1;
      this.table[2 * slot + 1] = hash;
    }
    return handle;
  }

  /** Stores the key loaded in `probe` as a new record and returns its handle. */
  private store(length: number): number {
    const keyWords = (length + 3) >> 2;
    const handle = this.room(this.recordWords(length));
    const chunk = this.chunks[handle >>> CHUNK_SHIFT]!;
    const at = handle & CHUNK_MASK;
    chunk[at] = length;
    const { probe } = this;
    const from = at + 1 + this.payloadWords;
    for (let k = 0; k < keyWords; k++) chunk[from + k] = probe[k]!; // no subarray: a million keys, a million objects
    this.count += 1;
    this.keyBytes += length;
    return handle;
  }

  /** Puts a stored key in the first empty slot of its probe; false when the probe's bound is met first. */
  private place(handle: number, hash: number): boolean {
    const { table } = this;
    const mask = (table.length >> 1) - 1;
    let slot = hash & mask;
    let sameHash = 0;
    for (let probes = 0; probes < MAX_PROBES; probes++, slot = (slot + 1) & mask) {
      if (table[2 * slot] !== 0) {
        if (table[2 * slot + 1] === hash && ++sameHash === MAX_SAME_HASH) break;
        continue;
      }
      table[2 * slot] = handle + 1;
      table[2 * slot + 1] = hash;
      return true;
    }
    return false;
  }

  /**
   * The words loaded in `probe` as text, a key of the overflow: its length, then its bytes one character each
   * (windows-1252 gives every byte a character of its own, so different keys make different texts).
   */
  private probeText(length: number): string {
    return `${length}:${BYTES_AS_TEXT.decode(new Uint8Array(this.probe.buffer, 0, 4 * ((length + 3) >> 2)))}`;
  }

  /** Words of a record whose key is `length` bytes long. */
  private recordWords(length: number): number {
    return 1 + this.payloadWords + ((length + 3) >> 2);
  }

  /** The handle of `size` free words, in the last chunk or a new one. */
  private room(size: number): number {
    const last = this.chunks.length - 1;
    if (last >= 0 && this.filled[last]! >= 0 && this.filled[last]! + size <= this.chunks[last]!.length) {
      const handle = last * CHUNK_WORDS + this.filled[last]!;
      this.filled[last]! += size;
      return handle;
    }
    const first = this.chunks.length;
    const chunk = new Int32Array(Math.max(size, CHUNK_WORDS));
    const spans = Math.ceil(chunk.length / CHUNK_WORDS);
    // The chunk numbers a long record spans past its first hold nothing else: -1.
    for (let c = 0; c < spans; c++) {
      this.chunks.push(chunk);
      this.filled.push(c === 0 ? size : -1);
    }
    return first * CHUNK_WORDS;
  }

  /** Whether the key at `handle` is the one last loaded into `probe`, `length` bytes long. */
  private keyEquals(handle: number, length: number): boolean {
    const chunk = this.chunks[handle >>> CHUNK_SHIFT]!;
    const at = handle & CHUNK_MASK;
    if (chunk[at] !== length) return false;
    const { probe } = this;
    const from = at + 1 + this.payloadWords;
    const keyWords = (length + 3) >> 2;
    for (let k = 0; k < keyWords; k++) if (chunk[from + k] !== probe[k]) return false;
    return true;
  }

  /**
   * Reads the key's bytes into `probe` as little-endian words, the last one padded with zeros as records are, so
   * that a key is compared a word at a time; returns its hash, made from the same words (MurmurHash3's mixing and
   * finalizer, seeded with the length). Byte by byte, hashing and comparing were most of a lookup that hits the cache.
   * Not a keyed hash: a log writer who makes keys collide on purpose costs at most {@link MAX_PROBES} probes per
   * lookup (then the overflow), never a wrong answer.
   */
  private load(buf: Uint8Array, start: number, end: number, lowerAscii: boolean): number {
    const keyWords = (end - start + 3) >> 2;
    if (keyWords > this.probe.length) this.probe = new Int32Array(2 * keyWords);
    const { probe } = this;
    let hash = (end - start) | 0;
    let at = start;
    for (let k = 0; k < keyWords; k++, at += 4) {
      let word: number;
      if (at + 4 <= end) word = buf[at]! | (buf[at + 1]! << 8) | (buf[at + 2]! << 16) | (buf[at + 3]! << 24);
      else {
        word = 0;
        for (let b = end - 1; b >= at; b--) word = (word << 8) | buf[b]!;
      }
      // ASCII capitals, four at a time: a byte below 0x80 is one when adding 0x3f sets its high bit and adding
      // 0x25 does not (no byte carries into the next); its 0x20 bit is then set.
      if (lowerAscii) word |= ((word + 0x3f3f3f3f) & ~(word + 0x25252525) & 0x80808080) >>> 2;
      probe[k] = word;
      hash = mixWord(hash, word);
    }
    return finish(hash);
  }

  /** `load` of a stored key, from its record: the same words and hash. Returns its length. */
  private loadRecord(handle: number): number {
    const chunk = this.chunks[handle >>> CHUNK_SHIFT]!;
    const at = handle & CHUNK_MASK;
    const length = chunk[at]!;
    const keyWords = (length + 3) >> 2;
    if (keyWords > this.probe.length) this.probe = new Int32Array(2 * keyWords);
    let hash = length | 0;
    for (let k = 0; k < keyWords; k++)
      hash = mixWord(hash, (this.probe[k] = chunk[at + 1 + this.payloadWords + k]!));
    this.probeHash = finish(hash);
    return length;
  }

  // Keeps the table at most half full, so that probes stay short. Every key is placed again by the rule of `place`
  // (the overflow's too: in the larger table most of them find a slot).
  private grow(): void {
    const old = this.table;
    const overflow = this.overflow;
    this.table = new Int32Array(2 * old.length);
    this.overflow = new Map();
    const placeAgain = (handle: number, hash: number) => {
      if (this.place(handle, hash)) return;
      const length = this.loadRecord(handle); // only now: a record read per key would slow every growth
      this.overflow.set(this.probeText(length), handle);
    };
    for (let slot = 0; slot < old.length; slot += 2)
      if (old[slot] !== 0) placeAgain(old[slot]! - 1, old[slot + 1]!);
    for (const handle of overflow.values()) {
      this.loadRecord(handle);
      placeAgain(handle, this.probeHash);
    }
  }
}

const BYTES_AS_TEXT = new TextDecoder("latin1");

/** One 4-byte word into the hash (MurmurHash3's block step). */
function mixWord(hash: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  const h = hash ^ Math.imul(k, 0x1b873593);
  return (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
}

/** MurmurHash3's finalizer: every bit of the state reaches the low bits, which pick the slot. */
function finish(hash: number): number {
  let h = hash ^ (hash >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Most slots a probe reads before it turns to the overflow. At most half the table is taken, so an ordinary probe
 * reads one or two; a run of this many is a flood.
 */
const MAX_PROBES = 128;
/**
 * Most other keys of the same 32-bit hash a probe compares before it turns to the overflow: two keys of one hash
 * are one chance in four billion in ordinary logs, and each compare reads a whole key (long stems made to share a
 * hash and a long prefix cost kilobytes each).
 */
const MAX_SAME_HASH = 2;

/** Records are stored in chunks of 2^18 words (1 MiB): small next to a store of millions of keys. */
const CHUNK_SHIFT = 18;
const CHUNK_WORDS = 1 << CHUNK_SHIFT;
const CHUNK_MASK = CHUNK_WORDS - 1;
