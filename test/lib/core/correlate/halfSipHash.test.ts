import { describe, expect, it } from "vitest";

import { halfSipHash } from "../../../../lib/core/correlate/halfSipHash.js";

/**
 * The reference implementation's HalfSipHash-2-4 64-bit tags (`vectors_hsip64`) of the messages 00, 00 01, …, with
 * the key 00 01 … 07: lengths 0 to 16 reach an empty last block, every partial one, and several whole words.
 */
const REFERENCE_TAGS = [
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

const tagOf = (bytes: Uint8Array, key0: number, key1: number, lowerAscii = false, c = 1, d = 3) => {
  const out = new Int32Array(2);
  halfSipHash(bytes, 0, bytes.length, key0, key1, out, lowerAscii, c, d);
  return Buffer.from(out.buffer).toString("hex");
};

describe("halfSipHash", () => {
  it("gives the reference implementation's HalfSipHash-2-4 tags", () => {
    const message = Uint8Array.from({ length: 64 }, (_, i) => i);
    REFERENCE_TAGS.forEach((tag, length) =>
      expect(tagOf(message.subarray(0, length), 0x03020100, 0x07060504, false, 2, 4)).toBe(tag),
    );
  });

  it("gives the reference implementation's 32-bit tags for a one-word output", () => {
    // `vectors_hsip32`, lengths 0 to 7, as little-endian words.
    const tags = [
      0x5b9f35a9, 0xb85a4727, 0x03a662fa, 0x04e7fe8a, 0x89466e2a, 0x69b6fac5, 0x23fc6358, 0xc563cf8b,
    ];
    const message = Uint8Array.from({ length: 64 }, (_, i) => i);
    const out = new Int32Array(1);
    tags.forEach((tag, length) => {
      halfSipHash(message, 0, length, 0x03020100, 0x07060504, out, false, 2, 4);
      expect(out[0]! >>> 0).toBe(tag);
    });
  });

  it("reads ASCII capitals as lower case when asked, and nothing else", () => {
    const key = [0x1234567, -0x7654321] as const;
    const ascii = Array.from({ length: 128 }, (_, b) => String.fromCharCode(b)).join("");
    for (let length = 0; length <= 40; length++) {
      const text = ascii.slice(length, 2 * length);
      const lowered = tagOf(Buffer.from(text.toLowerCase(), "latin1"), ...key);
      expect(tagOf(Buffer.from(text, "latin1"), ...key, true)).toBe(lowered);
    }
  });

  it("hashes the bytes of a range, whatever surrounds it, and changes with the key", () => {
    const page = Buffer.from("/portal/orders/918273/view.aspx");
    const line = Buffer.concat([Buffer.from("GET "), page, Buffer.from(" 443")]);
    const out = new Int32Array(2);
    halfSipHash(line, 4, 4 + page.length, 1, 2, out);
    expect(Buffer.from(out.buffer).toString("hex")).toBe(tagOf(page, 1, 2));
    expect(tagOf(page, 1, 3)).not.toBe(tagOf(page, 1, 2));
  });
});
