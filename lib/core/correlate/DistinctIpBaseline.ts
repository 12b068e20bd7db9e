import type { BaselineScope } from "../model/EngineOptions.js";
import { encodeTextKey } from "../utf8.js";
import { AddressCodes } from "./AddressCodes.js";
import { type HashKey, randomHashKey } from "./halfSipHash.js";
import { HashedKeyIndex } from "./HashedKeyIndex.js";

/** Addresses kept in each key's own words; a key past this many (a threshold above 3) spills to a list. */
const INLINE = 4;
/** Payload word 0 of a key: addresses kept (bits 0–15), the caller's note (16–23), which codes are ≥ 2^32 (24–27). */
const STATE = 0;
/** Payload words 1–4: the low 32 bits of the first {@link INLINE} kept addresses' codes. */
const LOW = 1;
const SIZE_MASK = 0xffff;
const NOTE_SHIFT = 16;
const HIGH_SHIFT = 24;

/**
 * Distinct client IPs per key (a page, or a page on a host or site): the rarity baseline. Each key keeps at most
 * `cap` addresses, since a page seen from more IPs than the threshold is no shell and needs no more bookkeeping:
 * memory grows with distinct keys, not with lines.
 *
 * On busy sites with ids in their URLs there are millions of distinct pages, so a key costs little and the same
 * whatever its length: one record of a {@link HashedKeyIndex} (the key's tag, its state and its first
 * {@link INLINE} addresses as 32-bit numbers, {@link AddressCodes}) and a table slot, 41 to 55 bytes, where a `Map`
 * of strings to arrays of strings took 350 and the page's bytes with the rest, 45 more than the page. Readers of
 * raw lines find a key by its bytes (`keyOfBytes`) and add addresses by code; everyone else uses the text API
 * (`add`, `count`), whose keys are the same UTF-8 bytes (`encodeTextKey`, which keeps a lone surrogate apart from
 * U+FFFD). A key is named by its handle in the index.
 *
 * Counts can also be set directly, when the workspace computed them (`summarize dcount(cIP) by …`).
 *
 * Baselines that merge (`snapshot`, `merge`: the threads of one run) are made with one `hashKey`, which their
 * address codes depend on.
 */
export class DistinctIpBaseline {
  readonly codes: AddressCodes;
  private readonly keys: HashedKeyIndex;
  /** Addresses past the first {@link INLINE} of a key, by key (only with thresholds above 3). */
  private readonly spilled = new Map<number, number[]>();
  private readonly counted = new Map<string, number>();
  private scratch = new Uint8Array(256);

  /**
   * @param cap addresses kept per key (at most 65,535); use threshold + 1, so "over the threshold" stays exact
   * @param hashKey the key of the pages' and addresses' hashes: drawn at random unless given (threads that merge
   *   their baselines share one)
   */
  constructor(
    readonly cap: number,
    readonly hashKey: HashKey = randomHashKey(),
  ) {
    if (!(cap >= 1 && cap <= SIZE_MASK)) throw new RangeError(`cap: expected 1 to ${SIZE_MASK}, got ${cap}`);
    this.keys = new HashedKeyIndex(1 + INLINE, hashKey);
    this.codes = new AddressCodes(hashKey);
  }

  /** The key whose UTF-8 bytes are `buf[start..end)`, added if new. */
  keyOfBytes(buf: Uint8Array, start: number, end: number): number {
    return this.keys.findOrAdd(buf, start, end);
  }

  /** The key whose UTF-8 bytes are `buf[start..end)` (ASCII) with capitals lowered, added if new. */
  keyOfLoweredAscii(buf: Uint8Array, start: number, end: number): number {
    return this.keys.findOrAdd(buf, start, end, true);
  }

  /** The key given as text, added if new. */
  keyOf(text: string): number {
    const length = this.encode(text);
    return this.keyOfBytes(this.scratch, 0, length);
  }

  /**
   * A byte the caller keeps per key, 0 until set: the correlators note there what they worked out about the key's
   * page from its text once (whether it is a script page), so that its later lines need no text.
   */
  noteOf(key: number): number {
    return (this.keys.word(key, STATE) >>> NOTE_SHIFT) & 0xff;
  }

  setNote(key: number, note: number): void {
    const state = this.keys.word(key, STATE);
    this.keys.setWord(key, STATE, (state & ~(0xff << NOTE_SHIFT)) | ((note & 0xff) << NOTE_SHIFT));
  }

  /** Whether `cap` addresses are known for the key: more cannot change any answer. */
  full(key: number): boolean {
    return (this.keys.word(key, STATE) & SIZE_MASK) >= this.cap;
  }

  /** Adds an address, by its code, to a key's distinct addresses (nothing once the key is full). */
  addCode(key: number, code: number): void {
    const state = this.keys.word(key, STATE);
    const size = state & SIZE_MASK;
    if (size >= this.cap || this.holds(key, state, code)) return;
    let high = 0;
    if (size < INLINE) {
      this.keys.setWord(key, LOW + size, code % 2 ** 32);
      if (code >= 2 ** 32) high = 1 << (HIGH_SHIFT + size);
    } else {
      const list = this.spilled.get(key);
      if (list === undefined) this.spilled.set(key, [code]);
      else list.push(code);
    }
    this.keys.setWord(key, STATE, (state | high) + 1);
  }

  add(key: string, address: string): void {
    this.addCode(this.keyOf(key), this.codes.ofText(address));
  }

  /** Records a count computed elsewhere (the larger of the two wins if the key was also counted here). */
  setCount(key: string, count: number): void {
    this.counted.set(key, Math.max(count, this.counted.get(key) ?? 0));
  }

  /** Distinct addresses seen for the key, saturating at `cap`. */
  count(key: string): number {
    const length = this.encode(key);
    const found = this.keys.find(this.scratch, 0, length);
    const size = found < 0 ? 0 : this.keys.word(found, STATE) & SIZE_MASK;
    return Math.max(size, this.counted.get(key) ?? 0);
  }

  /** Keys counted here or set, each once. */
  get size(): number {
    let onlySet = 0;
    for (const key of this.counted.keys()) {
      const length = this.encode(key);
      if (this.keys.find(this.scratch, 0, length) < 0) onlySet += 1;
    }
    return this.keys.size + onlySet;
  }

  /**
   * The addresses kept for the given keys that are here (counted or set), as plain data to hand to another thread.
   * Only for given keys: the index knows a key by its hash, not its bytes.
   */
  snapshot(only: Iterable<string>): BaselineSnapshot {
    const found: { bytes: Uint8Array; handle: number }[] = [];
    const counted: [string, number][] = [];
    for (const key of only) {
      const length = this.encode(key);
      const handle = this.keys.find(this.scratch, 0, length);
      if (handle >= 0) found.push({ bytes: this.scratch.slice(0, length), handle });
      const count = this.counted.get(key);
      if (count !== undefined) counted.push([key, count]);
    }
    const keys = new Uint8Array(found.reduce((bytes, key) => bytes + key.bytes.length, 0));
    const ends = new Int32Array(found.length);
    const sizes = new Uint16Array(found.length);
    let at = 0;
    let total = 0;
    found.forEach(({ bytes, handle }, k) => {
      keys.set(bytes, at);
      ends[k] = at += bytes.length;
      total += sizes[k] = this.keys.word(handle, STATE) & SIZE_MASK;
    });
    const codes = new Float64Array(total);
    at = 0;
    found.forEach(({ handle }, k) => {
      for (let i = 0; i < sizes[k]!; i++) codes[at++] = this.codeAt(handle, i);
    });
    return { keys, ends, sizes, codes, counted };
  }

  /**
   * Adds the `snapshot` of another baseline of the same run and hash key: the union, still capped. Counts stay
   * exact: below the cap a union of sets is the distinct count, and a side already at the cap puts the union there
   * too.
   */
  merge(snapshot: BaselineSnapshot): void {
    let code = 0;
    for (let key = 0; key < snapshot.ends.length; key++) {
      const start = key === 0 ? 0 : snapshot.ends[key - 1]!;
      const mine = this.keyOfBytes(snapshot.keys, start, snapshot.ends[key]!);
      for (let k = 0; k < snapshot.sizes[key]!; k++) this.addCode(mine, snapshot.codes[code++]!);
    }
    for (const [key, count] of snapshot.counted) this.setCount(key, count);
  }

  private codeAt(key: number, k: number): number {
    if (k >= INLINE) return this.spilled.get(key)![k - INLINE]!;
    const low = this.keys.word(key, LOW + k) >>> 0;
    return (this.keys.word(key, STATE) >>> (HIGH_SHIFT + k)) & 1 ? low + 2 ** 32 : low;
  }

  private holds(key: number, state: number, code: number): boolean {
    const size = state & SIZE_MASK;
    const tagged = code >= 2 ** 32 ? 1 : 0;
    const low = (tagged === 1 ? code - 2 ** 32 : code) | 0;
    for (let k = 0; k < size && k < INLINE; k++)
      if (this.keys.word(key, LOW + k) === low && ((state >>> (HIGH_SHIFT + k)) & 1) === tagged) return true;
    return size > INLINE && this.spilled.get(key)!.includes(code);
  }

  /** Writes `text`'s key bytes (`encodeTextKey`: UTF-8, a lone surrogate kept apart) into the scratch buffer. */
  private encode(text: string): number {
    if (this.scratch.length < 3 * text.length) this.scratch = new Uint8Array(3 * text.length);
    return encodeTextKey(text, this.scratch);
  }
}

/** Part of a baseline as plain data, for another thread: keys' bytes end to end, and their addresses' codes. */
export interface BaselineSnapshot {
  keys: Uint8Array;
  /** Where each key's bytes end in `keys`. */
  ends: Int32Array;
  /** Addresses kept per key. */
  sizes: Uint16Array;
  /** {@link AddressCodes}' codes, under the hash key the two baselines share. */
  codes: Float64Array;
  counted: [string, number][];
}

/**
 * The key a page's distinct clients are counted under, from its parts. Requests (offline) and the workspace's
 * baseline rows (pushdown) both go through here, so the two always meet on the same key.
 *
 * @param page lower-case `csUriStem` (precise) or the exact one (compat, scope `page` only)
 * @param hostKey the request's short host name, or its server address when it has none
 * @param site lower-case `sSiteName`
 */
export function composeBaselineKey(
  scope: BaselineScope,
  page: string,
  hostKey: string,
  site: string,
): string {
  switch (scope) {
    case "page":
      return page;
    case "host":
      return `${hostKey}\u0000${page}`;
    case "site":
      return `${hostKey}\u0000${site}\u0000${page}`;
  }
}
