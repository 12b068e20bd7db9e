import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { halfSipHash } from "../../../../lib/core/correlate/halfSipHash.js";
import { referenceHalfSipHash } from "../../../support/referenceHalfSipHash.js";

/** The key 00 01 … 07 and the messages 00, 00 01, …: the published vectors' inputs. */
const KEY = Uint8Array.from({ length: 8 }, (_, i) => i);
const MESSAGE = Uint8Array.from({ length: 64 }, (_, i) => i);
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

/** HalfSipHash-2-4 64-bit tags of the reference implementation (`vectors_hsip64`), lengths 0 to 16. */
const REFERENCE_2_4_64 = [
  "218d1f59b9b83cc8",
  "be552412f8387315",
  "064f39ef7c50eb57",
  "ce0f1a45f7060679",
  "d5e78a175be52ea1",
  "cb9d7c3f2f3db580",
  "ce3e91358aa2bc25",
  "ff202728b07bc684",
  "edfee820bce4858c",
  "5b51cccc13888307",
  "95b0469f06a6f2ee",
  "ae26333994ddcd48",
  "7bc71f9faef5c799",
  "5a2352d75a0c3744",
  "3bb1a870eae8e658",
  "217d0bcb4e81c902",
  "7336aad25f7bf3b5",
];
/** Its 32-bit tags (`vectors_hsip32`), lengths 0 to 7, as little-endian words. */
const REFERENCE_2_4_32 = [
  0x5b9f35a9, 0xb85a4727, 0x03a662fa, 0x04e7fe8a, 0x89466e2a, 0x69b6fac5, 0x23fc6358, 0xc563cf8b,
];
/** `halfSipHash` of `bytes[start..end)` under the key's two words, as the reference's tag bytes. */
function tagOf(
  bytes: Uint8Array,
  key: Uint8Array,
  tagBytes: 4 | 8,
  lowerAscii = false,
  start = 0,
  end = bytes.length,
) {
  const out = new Int32Array(tagBytes / 4);
  const words = new DataView(key.buffer, key.byteOffset, 8);
  halfSipHash(bytes, start, end, words.getInt32(0, true), words.getInt32(4, true), out, lowerAscii);
  return hex(new Uint8Array(out.buffer));
}

describe("referenceHalfSipHash (the plain version the fast one is tested against)", () => {
  it("gives the reference implementation's HalfSipHash-2-4 tags, 64 and 32 bits", () => {
    REFERENCE_2_4_64.forEach((tag, length) =>
      expect(hex(referenceHalfSipHash(MESSAGE.subarray(0, length), KEY, 8))).toBe(tag),
    );
    REFERENCE_2_4_32.forEach((tag, length) =>
      expect(Buffer.from(referenceHalfSipHash(MESSAGE.subarray(0, length), KEY, 4)).readUInt32LE(0)).toBe(
        tag,
      ),
    );
  });
});

describe("halfSipHash", () => {
  it("gives the reference implementation's HalfSipHash-2-4 tags, 64 and 32 bits", () => {
    REFERENCE_2_4_64.forEach((tag, length) => expect(tagOf(MESSAGE.subarray(0, length), KEY, 8)).toBe(tag));
    REFERENCE_2_4_32.forEach((tag, length) =>
      expect(Buffer.from(tagOf(MESSAGE.subarray(0, length), KEY, 4), "hex").readUInt32LE(0)).toBe(tag),
    );
  });

  it("gives the plain version's tags, 64 and 32 bits, for any bytes, key and place in a buffer", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ minLength: 8, maxLength: 8 }),
        fc.nat(5),
        fc.nat(5),
        (message, key, before, after) => {
          const buf = new Uint8Array(before + message.length + after).fill(0xa5);
          buf.set(message, before);
          const end = before + message.length;
          return (
            tagOf(buf, key, 8, false, before, end) === hex(referenceHalfSipHash(message, key, 8)) &&
            tagOf(buf, key, 4, false, before, end) === hex(referenceHalfSipHash(message, key, 4))
          );
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("reads ASCII capitals as lower case when asked, and nothing else", () => {
    const ascii = fc.string({
      unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)),
      maxLength: 60,
    });
    fc.assert(
      fc.property(ascii, fc.uint8Array({ minLength: 8, maxLength: 8 }), (text, key) => {
        const lowered = tagOf(Buffer.from(text.toLowerCase(), "latin1"), key, 8);
        return tagOf(Buffer.from(text, "latin1"), key, 8, true) === lowered;
      }),
    );
  });

  it("changes with the key", () => {
    const page = Buffer.from("/portal/orders/918273/view.aspx");
    expect(tagOf(page, KEY, 8)).not.toBe(tagOf(page, Uint8Array.from([1, 1, 2, 3, 4, 5, 6, 7]), 8));
  });
});
