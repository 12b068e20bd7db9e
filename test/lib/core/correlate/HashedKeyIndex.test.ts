import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { HashedKeyIndex } from "../../../../lib/core/correlate/HashedKeyIndex.js";
import { collidingKeys } from "../../../support/collidingKeys.js";

describe("HashedKeyIndex", () => {
  it("finds a key by its bytes wherever they sit in a buffer, and numbers keys in the order they came", () => {
    const index = new HashedKeyIndex();
    const line = Buffer.from("GET /a.aspx 200 /b.aspx /a.aspx");
    const a = index.findOrAdd(line, 4, 11);
    expect(index.find(line, 24, 31)).toBe(a);
    expect(index.find(line, 16, 23)).toBe(-1);
    expect(index.find(line, 4, 10)).toBe(-1); // a prefix is another key
    const b = index.findOrAdd(line, 16, 23);
    expect([a, b]).toEqual([0, 1]);
    expect(index.findOrAdd(line, 24, 31)).toBe(a);
    expect(index.size).toBe(2);
  });

  it("tells the empty key and keys of zero bytes apart", () => {
    const index = new HashedKeyIndex();
    const bytes = Buffer.alloc(8);
    const keys = [0, 1, 2, 3, 4, 5, 8].map((length) => index.findOrAdd(bytes, 0, length));
    expect(new Set(keys).size).toBe(7);
    expect(index.find(Buffer.from("x"), 1, 1)).toBe(keys[0]);
  });

  it("keeps each key's words beside it, apart from its neighbours'", () => {
    const index = new HashedKeyIndex(3);
    const bytes = Buffer.from("abcdefgh");
    const keys = [1, 2, 3, 4, 5].map((length) => index.findOrAdd(bytes, 0, length));
    keys.forEach((key, k) => {
      expect([0, 1, 2].map((i) => index.word(key, i))).toEqual([0, 0, 0]);
      index.setWord(key, 0, -1);
      index.setWord(key, 2, k);
    });
    keys.forEach((key, k) => expect([0, 1, 2].map((i) => index.word(key, i))).toEqual([-1, 0, k]));
    // The words are no part of the key: the bytes still find it.
    expect(index.find(Buffer.from("xabc"), 1, 4)).toBe(keys[2]);
  });

  it("keeps every key and its words across many chunks, and a key of megabytes", () => {
    const index = new HashedKeyIndex(2);
    const key = (n: number) => Buffer.from(`/portal/orders/${n}/view.aspx`);
    const long = Buffer.alloc(5 * 1024 * 1024, 0x61);
    for (let n = 0; n < 300_000; n++) {
      if (n === 150_000) expect(index.findOrAdd(long, 0, long.length)).toBe(n);
      const bytes = key(n);
      const handle = index.findOrAdd(bytes, 0, bytes.length);
      expect(handle).toBe(n < 150_000 ? n : n + 1);
      index.setWord(handle, 1, n);
    }
    expect(index.size).toBe(300_001);
    for (const n of [0, 32_767, 32_768, 149_999, 150_000, 299_999]) {
      const bytes = key(n);
      expect(index.word(index.find(bytes, 0, bytes.length), 1)).toBe(n);
    }
    expect(index.find(long, 0, long.length)).toBe(150_000);
    expect(index.find(long, 1, long.length)).toBe(-1);
  });

  it("finds an ASCII key with its capitals lowered as it finds the lowered bytes", () => {
    const ascii = fc.string({
      unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)),
      maxLength: 11,
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(ascii, fc.nat(3), fc.boolean()), { maxLength: 400 }), (operations) => {
        const index = new HashedKeyIndex(1);
        const model = new Map<string, number>();
        for (const [text, margin, lowered] of operations) {
          const lower = text.replace(/[A-Z]/g, (c) => c.toLowerCase());
          const bytes = Buffer.from(lowered ? text : lower, "latin1");
          const buf = Buffer.concat([Buffer.alloc(margin, 0x41), bytes, Buffer.from("ZZ")]);
          const handle = index.findOrAdd(buf, margin, margin + bytes.length, lowered);
          expect(handle).toBe(model.get(lower) ?? model.size);
          model.set(lower, handle);
        }
        expect(index.size).toBe(model.size);
      }),
      { numRuns: 200 },
    );
  });

  it("numbers keys as a Map of their bytes would, through growth", () => {
    const key = fc.uint8Array({ maxLength: 6 }).map((bytes) => Buffer.from(bytes));
    fc.assert(
      fc.property(fc.array(fc.tuple(key, fc.nat(3)), { maxLength: 3000 }), (operations) => {
        const index = new HashedKeyIndex();
        const model = new Map<string, number>();
        for (const [bytes, margin] of operations) {
          // The key inside a larger buffer, at an offset.
          const buf = Buffer.concat([Buffer.alloc(margin, 7), bytes, Buffer.alloc(2, 9)]);
          const id = bytes.toString("latin1");
          expect(index.find(buf, margin, margin + bytes.length)).toBe(model.get(id) ?? -1);
          const handle = index.findOrAdd(buf, margin, margin + bytes.length);
          expect(handle).toBe(model.get(id) ?? model.size);
          model.set(id, handle);
        }
        expect(index.size).toBe(model.size);
      }),
    );
  });

  it("keeps keys made to share a public hash apart, as any others", () => {
    // Keys whose MurmurHash3 (a common public hash, which this table's first version used) is one value. Against a
    // public hash each would probe past all the others; under a keyed hash they are ordinary keys.
    const flood = collidingKeys(30_000, 32);
    const index = new HashedKeyIndex(1);
    flood.forEach((key, n) => index.setWord(index.findOrAdd(key, 0, key.length), 0, n));
    expect(index.size).toBe(30_000);
    flood.forEach((key, n) => expect(index.word(index.find(key, 0, key.length), 0)).toBe(n));
  });
});
