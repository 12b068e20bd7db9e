import { isUtf8 } from "node:buffer";

import fc from "fast-check";
import { describe, expect, it } from "vitest";

import {
  decodeTextKey,
  encodeTextKey,
  isWellFormedUtf8,
  lowerUtf8Into,
  NEEDS_TEXT,
} from "../../../lib/core/utf8.js";

/** What the readers did before: decode (bad sequences as U+FFFD), lower the text, encode it. */
const viaText = (bytes: Buffer) => Buffer.from(bytes.toString("utf8").toLowerCase(), "utf8");

/** `lowerUtf8Into` of all of `bytes`, written after a margin, as a buffer; or NEEDS_TEXT. */
function lowered(bytes: Buffer): Buffer | typeof NEEDS_TEXT {
  const framed = Buffer.concat([Buffer.from("##"), bytes, Buffer.from("##")]);
  const into = new Uint8Array(3 + 2 * bytes.length);
  const end = lowerUtf8Into(into, 3, framed, 2, 2 + bytes.length);
  return end === NEEDS_TEXT ? NEEDS_TEXT : Buffer.from(into.subarray(3, end));
}

// Bytes drawn to hit every branch of a decoder: ASCII, lead bytes of each length and the bad ones, continuations.
const utf8ish = fc
  .array(
    fc.oneof(
      fc.integer({ min: 0x20, max: 0x7f }),
      fc.integer({ min: 0x80, max: 0xbf }),
      fc.constantFrom(
        0xc0,
        0xc1,
        0xc2,
        0xc3,
        0xc4,
        0xce,
        0xdf,
        0xe0,
        0xe2,
        0xed,
        0xef,
        0xf0,
        0xf4,
        0xf5,
        0xff,
      ),
    ),
    { maxLength: 24 },
  )
  .map((bytes) => Buffer.from(bytes));

describe("isWellFormedUtf8", () => {
  it("agrees with Node's isUtf8 on any bytes, and with a decode-encode round trip", () => {
    fc.assert(
      fc.property(utf8ish, (bytes) => {
        const framed = Buffer.concat([Buffer.from([0xe2]), bytes, Buffer.from([0x80])]);
        const answer = isWellFormedUtf8(framed, 1, 1 + bytes.length);
        expect(answer).toBe(isUtf8(bytes));
        expect(answer).toBe(Buffer.from(bytes.toString("utf8"), "utf8").equals(bytes));
      }),
      { numRuns: 5000 },
    );
  });

  it("accepts any text encoded", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (text) => {
        const bytes = Buffer.from(text);
        return isWellFormedUtf8(bytes, 0, bytes.length);
      }),
    );
  });

  it.each([
    ["an overlong slash", [0xc0, 0xaf]],
    ["an overlong three-byte form", [0xe0, 0x80, 0xaf]],
    ["a surrogate", [0xed, 0xa0, 0x80]],
    ["past U+10FFFF", [0xf4, 0x90, 0x80, 0x80]],
    ["a cut sequence", [0xe2, 0x82]],
    ["a lone continuation", [0x80]],
  ])("refuses %s", (_name, bytes) => {
    expect(isWellFormedUtf8(Uint8Array.from(bytes), 0, bytes.length)).toBe(false);
  });
});

describe("lowerUtf8Into", () => {
  it("lowers every BMP character as toLowerCase does, alone and between letters, or hands it back", () => {
    const handedBack: number[] = [];
    for (let code = 0x80; code < 0x10000; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const char = String.fromCharCode(code);
      for (const text of [char, `Ab${char}Cd`, `ΑΒ${char}`]) {
        const bytes = Buffer.from(text, "utf8");
        const result = lowered(bytes);
        if (result === NEEDS_TEXT) {
          if (text === char) handedBack.push(code);
        } else if (!result.equals(viaText(bytes)))
          expect.fail(`U+${code.toString(16)} in ${JSON.stringify(text)}`);
      }
    }
    // Only the two characters whose lower case is not one character of their own.
    expect(handedBack).toEqual([0x0130, 0x03a3]);
  });

  it("lowers a capital sigma through the text: final at the end of a word, else not", () => {
    expect(lowered(Buffer.from("/ΟΔΟΣ/ΣΑ.aspx"))).toBe(NEEDS_TEXT);
    expect(viaText(Buffer.from("/ΟΔΟΣ/ΣΑ.aspx")).toString()).toBe("/οδος/σα.aspx");
  });

  it("lowers pages as the text path does, or hands them back (cut bytes, emoji, sigma, dotted I)", () => {
    const unit = fc.constantFrom(
      ..."aZ./-_0Ä",
      "Ⱥ",
      "\u212a",
      "\u2126",
      "ẞ",
      "Σ",
      "İ",
      "😀",
      "Д",
      "製",
      "\uff21",
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit, maxLength: 16 }).map((text) => Buffer.from(text)),
          utf8ish,
        ),
        (bytes) => {
          const result = lowered(bytes);
          if (result !== NEEDS_TEXT) expect(result.equals(viaText(bytes))).toBe(true);
          else expect(isUtf8(bytes) && !/[Σİ\u{10000}-\u{10ffff}]/u.test(bytes.toString())).toBe(false);
        },
      ),
      { numRuns: 5000 },
    );
  });
});

describe("encodeTextKey", () => {
  const key = (text: string) => {
    const into = new Uint8Array(3 * text.length);
    return Buffer.from(into.subarray(0, encodeTextKey(text, into)));
  };
  // Any UTF-16: lone surrogates of both halves, pairs, and their neighbours.
  const anyText = fc
    .array(
      fc.oneof(
        fc.integer({ min: 0, max: 0xffff }),
        fc.constantFrom(0xd800, 0xdbff, 0xdc00, 0xdfff, 0xfffd, 0x41, 0xe9),
      ),
      { maxLength: 12 },
    )
    .map((units) => String.fromCharCode(...units));

  it("gives a well-formed text its UTF-8, and every text its text back", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const wellFormed = Buffer.from(text, "utf8").toString("utf8") === text; // only a lone surrogate is lost
        if (wellFormed) expect(key(text).equals(Buffer.from(text, "utf8"))).toBe(true);
        expect(decodeTextKey(key(text))).toBe(text);
      }),
      { numRuns: 5000 },
    );
  });

  it("gives two texts the same bytes only when they are equal (a lone surrogate is not U+FFFD)", () => {
    fc.assert(
      fc.property(anyText, anyText, (a, b) => key(a).equals(key(b)) === (a === b)),
      { numRuns: 5000 },
    );
    expect(key("\ud800").equals(key("\ufffd"))).toBe(false);
    expect([...key("\ud800x")]).toEqual([0xed, 0xa0, 0x80, 0x78]);
  });
});
