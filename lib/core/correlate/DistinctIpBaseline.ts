import type { BaselineScope } from "../model/EngineOptions.js";
import { AddressCodes } from "./AddressCodes.js";
import { ByteKeyIndex } from "./ByteKeyIndex.js";

/** Addresses kept in the fixed per-key arrays; a key past this many (a threshold above 3) spills to a list. */
const INLINE = 4;
const INITIAL_KEYS = 1024;

/**
 * Distinct client IPs per key (a page, or a page on a host or site): the rarity baseline. Each key keeps at most
 * `cap` addresses, since a page seen from more IPs than the threshold is no shell and needs no more bookkeeping:
 * memory grows with distinct keys, not with lines.
 *
 * On busy sites with ids in their URLs there are millions of distinct pages, so a key costs little: its UTF-8 bytes
 * in a {@link ByteKeyIndex}, and its first {@link INLINE} addresses as 32-bit numbers in typed arrays
 * ({@link AddressCodes}), about 80 bytes with a 30-byte page where a `Map` of strings to arrays of strings took
 * 350. Readers of raw lines find a key by its bytes (`keyOfBytes`) and add addresses by code; everyone else uses
 * the text API (`add`, `count`), whose keys are the same UTF-8 bytes.
 *
 * Counts can also be set directly, when the workspace computed them (`summarize dcount(cIP) by …`).
 */
export class DistinctIpBaseline {
  readonly codes = new AddressCodes();
  private readonly keys = new ByteKeyIndex();
  /** Per key: addresses kept. */
  private sizes = new Uint16Array(INITIAL_KEYS);
  /** Per key, {@link INLINE} entries: the low 32 bits of the kept addresses' codes. */
  private low = new Uint32Array(INITIAL_KEYS * INLINE);
  /** Per key: bit k set when kept address k has a code of 2^32 or more (see `AddressCodes`). */
  private high = new Uint8Array(INITIAL_KEYS);
  /** Per key: the caller's note (see `noteOf`). */
  private notes = new Uint8Array(INITIAL_KEYS);
  /** Addresses past the first {@link INLINE} of a key, by key (only with thresholds above 3). */
  private readonly spilled = new Map<number, number[]>();
  private readonly counted = new Map<string, number>();
  private readonly encoder = new TextEncoder();
  private scratch = new Uint8Array(256);

  /** @param cap addresses kept per key; use threshold + 1, so "over the threshold" stays exact. */
  constructor(readonly cap: number) {}

  /** The number of the key whose UTF-8 bytes are `buf[start..end)`, added if new. */
  keyOfBytes(buf: Uint8Array, start: number, end: number): number {
    const key = this.keys.findOrAdd(buf, start, end);
    if (key >= this.sizes.length) this.grow();
    return key;
  }

  /** The number of a key given as text, added if new. */
  keyOf(text: string): number {
    const length = this.encode(text);
    return this.keyOfBytes(this.scratch, 0, length);
  }

  /**
   * A byte the caller keeps per key, 0 until set: the correlators note there what they worked out about the key's
   * page from its text once (whether it is a script page), so that its later lines need no text.
   */
  noteOf(key: number): number {
    return this.notes[key]!;
  }

  setNote(key: number, note: number): void {
    this.notes[key] = note;
  }

  /** Whether `cap` addresses are known for the key: more cannot change any answer. */
  full(key: number): boolean {
    return this.sizes[key]! >= this.cap;
  }

  /** Adds an address, by its code, to a key's distinct addresses (nothing once the key is full). */
  addCode(key: number, code: number): void {
    const size = this.sizes[key]!;
    if (size >= this.cap || this.holds(key, size, code)) return;
    if (size < INLINE) {
      this.low[key * INLINE + size] = code % 2 ** 32;
      if (code >= 2 ** 32) this.high[key]! |= 1 << size;
    } else {
      const list = this.spilled.get(key);
      if (list === undefined) this.spilled.set(key, [code]);
      else list.push(code);
    }
    this.sizes[key] = size + 1;
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
    return Math.max(found < 0 ? 0 : this.sizes[found]!, this.counted.get(key) ?? 0);
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

  /** The addresses kept per key, as plain data (to hand to another thread). */
  snapshot(): BaselineSnapshot {
    const count = this.keys.size;
    const sizes = this.sizes.slice(0, count);
    const codes = new Float64Array(sizes.reduce((sum, size) => sum + size, 0));
    const texts: string[] = [];
    let at = 0;
    for (let key = 0; key < count; key++) {
      for (let k = 0; k < sizes[key]!; k++) {
        const code = this.codeAt(key, k);
        codes[at++] = code;
        if (code >= 2 ** 32) texts.push(this.codes.textOf(code));
      }
    }
    return { ...this.keys.allKeys(), sizes, codes, texts, counted: [...this.counted] };
  }

  /**
   * Adds another baseline's `snapshot()` of the same run: the union, still capped. Counts stay exact: below the cap
   * a union of sets is the distinct count, and a side already at the cap puts the union there too.
   */
  merge(snapshot: BaselineSnapshot): void {
    let code = 0;
    let text = 0;
    for (let key = 0; key < snapshot.ends.length; key++) {
      const start = key === 0 ? 0 : snapshot.ends[key - 1]!;
      const mine = this.keyOfBytes(snapshot.keys, start, snapshot.ends[key]!);
      for (let k = 0; k < snapshot.sizes[key]!; k++) {
        const theirs = snapshot.codes[code++]!;
        this.addCode(mine, theirs < 2 ** 32 ? theirs : this.codes.ofText(snapshot.texts[text++]!));
      }
    }
    for (const [key, count] of snapshot.counted) this.setCount(key, count);
  }

  private codeAt(key: number, k: number): number {
    if (k >= INLINE) return this.spilled.get(key)![k - INLINE]!;
    const low = this.low[key * INLINE + k]!;
    return (this.high[key]! >> k) & 1 ? low + 2 ** 32 : low;
  }

  private holds(key: number, size: number, code: number): boolean {
    const interned = code >= 2 ** 32 ? 1 : 0;
    const low = interned === 1 ? code - 2 ** 32 : code;
    const high = this.high[key]!;
    const base = key * INLINE;
    for (let k = 0; k < size && k < INLINE; k++)
      if (this.low[base + k] === low && ((high >> k) & 1) === interned) return true;
    return size > INLINE && this.spilled.get(key)!.includes(code);
  }

  /** Writes `text` as UTF-8 into the scratch buffer and returns its length (a lone surrogate as U+FFFD). */
  private encode(text: string): number {
    if (this.scratch.length < 3 * text.length) this.scratch = new Uint8Array(3 * text.length);
    return this.encoder.encodeInto(text, this.scratch).written;
  }

  // 1.5 × at a time: with millions of pages these arrays are a good part of the run's memory.
  private grow(): void {
    const keys = this.sizes.length + (this.sizes.length >> 1);
    const sizes = new Uint16Array(keys);
    sizes.set(this.sizes);
    this.sizes = sizes;
    const low = new Uint32Array(keys * INLINE);
    low.set(this.low);
    this.low = low;
    const high = new Uint8Array(keys);
    high.set(this.high);
    this.high = high;
    const notes = new Uint8Array(keys);
    notes.set(this.notes);
    this.notes = notes;
  }
}

/** A baseline as plain data, for another thread: keys' bytes end to end, and their addresses' codes in key order. */
export interface BaselineSnapshot {
  keys: Uint8Array;
  /** Where each key's bytes end in `keys`. */
  ends: Int32Array;
  /** Addresses kept per key. */
  sizes: Uint16Array;
  codes: Float64Array;
  /** The texts of the codes of 2^32 and more, in the order they appear in `codes`. */
  texts: string[];
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
