import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { ByteKeyIndex } from "../../../../lib/core/correlate/ByteKeyIndex.js";

describe("ByteKeyIndex", () => {
  it("finds a key by its bytes wherever they sit in a buffer", () => {
    const index = new ByteKeyIndex();
    const line = Buffer.from("GET /a.aspx 200 /b.aspx /a.aspx");
    expect(index.add(line, 4, 11)).toBe(0);
    expect(index.find(line, 24, 31)).toBe(0);
    expect(index.find(line, 16, 23)).toBe(-1);
    expect(index.find(line, 4, 10)).toBe(-1); // a prefix is another key
    expect(index.findOrAdd(line, 16, 23)).toBe(1);
    expect(index.size).toBe(2);
    expect(index.keyBytesUsed).toBe(14);
    const { keys, ends } = index.allKeys();
    expect(Buffer.from(keys).toString()).toBe("/a.aspx/b.aspx");
    expect([...ends]).toEqual([7, 14]);
  });

  it("tells the empty key apart", () => {
    const index = new ByteKeyIndex();
    const bytes = Buffer.from("x");
    expect(index.find(bytes, 0, 0)).toBe(-1);
    index.add(bytes, 0, 0);
    expect(index.find(bytes, 1, 1)).toBe(0);
    expect(index.find(bytes, 0, 1)).toBe(-1);
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
          if (!model.has(id)) model.set(id, index.add(buf, margin, margin + bytes.length));
        }
        expect(index.size).toBe(model.size);
        const { keys, ends } = index.allKeys();
        const listed = [...ends].map((end, key) =>
          Buffer.from(keys.subarray(key === 0 ? 0 : ends[key - 1], end)),
        );
        expect(listed.map((bytes) => bytes.toString("latin1"))).toEqual([...model.keys()]);
      }),
      { numRuns: 30 },
    );
  });
});
