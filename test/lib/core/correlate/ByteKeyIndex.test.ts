import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { ByteKeyIndex } from "../../../../lib/core/correlate/ByteKeyIndex.js";
import { collidingKeys } from "../../../support/collidingKeys.js";

describe("ByteKeyIndex", () => {
  it("finds a key by its bytes wherever they sit in a buffer", () => {
    const index = new ByteKeyIndex();
    const line = Buffer.from("GET /a.aspx 200 /b.aspx /a.aspx");
    const a = index.add(line, 4, 11);
    expect(index.find(line, 24, 31)).toBe(a);
    expect(index.find(line, 16, 23)).toBe(-1);
    expect(index.find(line, 4, 10)).toBe(-1); // a prefix is another key
    const b = index.findOrAdd(line, 16, 23);
    expect(b).not.toBe(a);
    expect(index.findOrAdd(line, 24, 31)).toBe(a);
    expect([...index.handles()]).toEqual([a, b]);
    expect(index.size).toBe(2);
    expect(index.keyBytesUsed).toBe(14);
    const { keys, ends } = index.keysOf([...index.handles()]);
    expect(Buffer.from(keys).toString()).toBe("/a.aspx/b.aspx");
    expect([...ends]).toEqual([7, 14]);
  });

  it("tells the empty key apart", () => {
    const index = new ByteKeyIndex();
    const bytes = Buffer.from("x");
    expect(index.find(bytes, 0, 0)).toBe(-1);
    const empty = index.add(bytes, 0, 0);
    expect(index.find(bytes, 1, 1)).toBe(empty);
    expect(index.find(bytes, 0, 1)).toBe(-1);
  });

  it("keeps each key's words beside it, apart from its neighbours'", () => {
    const index = new ByteKeyIndex(3);
    const bytes = Buffer.from("abcdefgh");
    const keys = [1, 2, 3, 4, 5].map((length) => index.add(bytes, 0, length));
    keys.forEach((key, k) => {
      expect([0, 1, 2].map((i) => index.word(key, i))).toEqual([0, 0, 0]);
      index.setWord(key, 0, -1);
      index.setWord(key, 2, k);
    });
    keys.forEach((key, k) => expect([0, 1, 2].map((i) => index.word(key, i))).toEqual([-1, 0, k]));
    // The words are no part of the key: the bytes still find it.
    expect(index.find(Buffer.from("xabc"), 1, 4)).toBe(keys[2]);
  });

  it("keeps every key and its words across many chunks and a key longer than a chunk", () => {
    const index = new ByteKeyIndex(2);
    const key = (n: number) => Buffer.from(`/portal/orders/${n}/view.aspx`);
    const long = Buffer.alloc(5 * 1024 * 1024, 0x61); // 5 MiB: several chunks of its own
    const handles: number[] = [];
    for (let n = 0; n < 300_000; n++) {
      if (n === 150_000) handles.push(index.add(long, 0, long.length));
      const bytes = key(n);
      const handle = index.findOrAdd(bytes, 0, bytes.length);
      index.setWord(handle, 1, n);
      handles.push(handle);
    }
    expect(index.size).toBe(300_001);
    expect(new Set(handles).size).toBe(300_001);
    expect([...index.handles()]).toEqual(handles);
    for (const n of [0, 149_999, 150_000, 299_999]) {
      const bytes = key(n);
      const handle = index.find(bytes, 0, bytes.length);
      expect(handle).toBe(handles[n < 150_000 ? n : n + 1]);
      expect(index.word(handle, 1)).toBe(n);
    }
    expect(index.find(long, 0, long.length)).toBe(handles[150_000]);
    expect(index.find(long, 1, long.length)).toBe(-1);
    const { keys, ends } = index.keysOf([...index.handles()]);
    expect(ends.length).toBe(300_001);
    expect(Buffer.from(keys.subarray(ends[149_999], ends[150_000])).equals(long)).toBe(true);
    expect(Buffer.from(keys.subarray(ends[150_000], ends[150_001])).toString()).toBe(key(150_000).toString());
  });

  it("bounds a flood of keys made to share one hash, and still finds every key", () => {
    // An attacker who knows the (public) hash sends requests whose stems all hash alike: each key's last word is
    // solved so that the state after it is the same, whatever the words before it.
    const flood = collidingKeys(30_000, 32);
    const index = new ByteKeyIndex(1);
    flood.forEach((key, n) => index.setWord(index.findOrAdd(key, 0, key.length), 0, n));
    // Without the bound each key would probe past all the others: 30,000² / 2 compares. With it, at most two keys
    // of one hash stay in the table, and a lookup compares at most two keys before it asks the overflow.
    expect(index.overflowed).toBe(30_000 - 2);
    expect(index.size).toBe(30_000);
    flood.forEach((key, n) => expect(index.word(index.find(key, 0, key.length), 0)).toBe(n));
    // Other keys live beside the flood, before and after the table grows.
    for (let n = 0; n < 5000; n++) {
      const key = Buffer.from(`/page/${n}.aspx`);
      index.setWord(index.findOrAdd(key, 0, key.length), 0, 100_000 + n);
    }
    for (let n = 0; n < 5000; n++) {
      const key = Buffer.from(`/page/${n}.aspx`);
      expect(index.word(index.find(key, 0, key.length), 0)).toBe(100_000 + n);
    }
    flood.forEach((key, n) => expect(index.word(index.find(key, 0, key.length), 0)).toBe(n));
    expect(index.find(Buffer.from("/nowhere.aspx"), 0, 13)).toBe(-1);
  });

  it("finds an ASCII key with its capitals lowered as it finds the lowered bytes", () => {
    const ascii = fc.string({
      unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)),
      maxLength: 11,
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(ascii, fc.nat(3), fc.boolean()), { maxLength: 400 }), (operations) => {
        const index = new ByteKeyIndex(1);
        const model = new Map<string, number>();
        for (const [text, margin, lowered] of operations) {
          const lower = text.replace(/[A-Z]/g, (c) => c.toLowerCase());
          const bytes = Buffer.from(lowered ? text : lower, "latin1");
          const buf = Buffer.concat([Buffer.alloc(margin, 0x41), bytes, Buffer.from("ZZ")]);
          const handle = index.findOrAdd(buf, margin, margin + bytes.length, lowered);
          expect(handle).toBe(model.get(lower) ?? handle);
          model.set(lower, handle);
        }
        const { keys, ends } = index.keysOf([...index.handles()]);
        const listed = [...ends].map((end, key) =>
          Buffer.from(keys.subarray(key === 0 ? 0 : ends[key - 1], end)),
        );
        expect(listed.map((bytes) => bytes.toString("latin1"))).toEqual([...model.keys()]);
      }),
      { numRuns: 200 },
    );
  });

  it("numbers keys as a Map of their bytes would, through growth", () => {
    const key = fc.uint8Array({ maxLength: 6 }).map((bytes) => Buffer.from(bytes));
    fc.assert(
      fc.property(fc.array(fc.tuple(key, fc.nat(3)), { maxLength: 3000 }), (operations) => {
        const index = new ByteKeyIndex();
        const model = new Map<string, number>();
        for (const [bytes, margin] of operations) {
          // The key inside a larger buffer, at an offset.
          const buf = Buffer.concat([Buffer.alloc(margin, 7), bytes, Buffer.alloc(2, 9)]);
          const id = bytes.toString("latin1");
          expect(index.find(buf, margin, margin + bytes.length)).toBe(model.get(id) ?? -1);
          // Both ways in: `add` after a `find`, and `findOrAdd`, which puts a new key where its probe ended.
          const handle =
            margin % 2 === 0
              ? index.findOrAdd(buf, margin, margin + bytes.length)
              : (model.get(id) ?? index.add(buf, margin, margin + bytes.length));
          expect(handle).toBe(model.get(id) ?? handle);
          model.set(id, handle);
        }
        expect(index.size).toBe(model.size);
        expect([...index.handles()]).toEqual([...model.values()]);
        const { keys, ends } = index.keysOf([...index.handles()]);
        const listed = [...ends].map((end, key) =>
          Buffer.from(keys.subarray(key === 0 ? 0 : ends[key - 1], end)),
        );
        expect(listed.map((bytes) => bytes.toString("latin1"))).toEqual([...model.keys()]);
      }),
      { numRuns: 30 },
    );
  });
});
