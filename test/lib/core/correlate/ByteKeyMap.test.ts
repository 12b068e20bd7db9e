import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { ByteKeyMap } from "../../../../lib/core/correlate/ByteKeyMap.js";

describe("ByteKeyMap", () => {
  it("finds a key by its bytes wherever they sit in a buffer", () => {
    const map = new ByteKeyMap<string>();
    const line = Buffer.from("GET /a.aspx 200 /b.aspx /a.aspx");
    map.set(line, 4, 11, "a");
    expect(map.get(line, 24, 31)).toBe("a");
    expect(map.get(line, 16, 23)).toBeUndefined();
    expect(map.get(line, 4, 10)).toBeUndefined(); // a prefix is another key
    expect(map.size).toBe(1);
    expect(map.keyBytesUsed).toBe(7);
  });

  it("tells the empty key apart", () => {
    const map = new ByteKeyMap<number>();
    const bytes = Buffer.from("x");
    expect(map.get(bytes, 0, 0)).toBeUndefined();
    map.set(bytes, 0, 0, 1);
    expect(map.get(bytes, 1, 1)).toBe(1);
    expect(map.get(bytes, 0, 1)).toBeUndefined();
  });

  it("behaves as a Map of the keys' bytes, through growth", () => {
    const key = fc.uint8Array({ maxLength: 6 }).map((bytes) => Buffer.from(bytes));
    fc.assert(
      fc.property(fc.array(fc.tuple(key, fc.nat(3)), { maxLength: 3000 }), (operations) => {
        const map = new ByteKeyMap<number>();
        const model = new Map<string, number>();
        operations.forEach(([bytes, margin], i) => {
          // The key inside a larger buffer, at an offset.
          const buf = Buffer.concat([Buffer.alloc(margin, 7), bytes, Buffer.alloc(2, 9)]);
          const id = bytes.toString("latin1");
          expect(map.get(buf, margin, margin + bytes.length)).toBe(model.get(id));
          if (!model.has(id)) {
            map.set(buf, margin, margin + bytes.length, i);
            model.set(id, i);
          }
        });
        expect(map.size).toBe(model.size);
      }),
      { numRuns: 30 },
    );
  });
});
