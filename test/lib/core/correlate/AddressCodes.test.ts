import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { AddressCodes } from "../../../../lib/core/correlate/AddressCodes.js";

const bytesOf = (text: string) => Buffer.from(`#${text}#`, "utf8");
/** The code of an address read from a line's bytes, as the correlators read it: bytes when ASCII, else text. */
function fromLine(codes: AddressCodes, text: string): number {
  const line = bytesOf(text);
  const code = codes.ofAsciiBytes(line, 1, line.length - 1);
  return code >= 0 ? code : codes.ofText(text);
}

/**
 * One key for the tests that tell addresses apart: two texts share a 32-bit tag by chance (2^-32 per pair), so under
 * a fresh key such a test would fail once in millions of runs; under this one it passes or fails every time.
 */
const KEY = [0x5eed, 0x1eaf] as const;

describe("AddressCodes", () => {
  it("codes a canonical IPv4 address as its 32-bit value, from bytes or text", () => {
    const codes = new AddressCodes();
    expect(codes.ofText("203.0.113.7")).toBe(0xcb007107);
    expect(fromLine(codes, "255.255.255.255")).toBe(0xffffffff);
    expect(fromLine(codes, "0.0.0.0")).toBe(0);
  });

  it.each(["2001:db8::1", "198.51.100.01", "1.2.3", "1.2.3.4.5", "256.1.1.1", "-", "", "fe80::1%11", "é::1"])(
    "codes %j by a tag of its text, 2^32 and up, the same from bytes and from text",
    (text) => {
      const codes = new AddressCodes();
      const code = codes.ofText(text);
      expect(code).toBeGreaterThanOrEqual(2 ** 32);
      expect(code).toBeLessThan(2 ** 33);
      expect(fromLine(codes, text)).toBe(code);
    },
  );

  it("hands a non-ASCII address back to the text path", () => {
    const line = bytesOf("é::1");
    expect(new AddressCodes().ofAsciiBytes(line, 1, line.length - 1)).toBe(-1);
  });

  it("keeps a lone surrogate (a JSON export can hold one) apart from U+FFFD", () => {
    const codes = new AddressCodes(KEY);
    expect(codes.ofText("\ud800")).not.toBe(codes.ofText("\ufffd"));
  });

  it("tells addresses apart when their texts differ (case and leading zeros included)", () => {
    const codes = new AddressCodes(KEY);
    const texts = ["2001:db8::1", "2001:DB8::1", "1.2.3.4", "01.2.3.4", "1.2.3.04", "::ffff:1.2.3.4"];
    expect(new Set(texts.map((text) => fromLine(codes, text))).size).toBe(texts.length);
  });

  it("gives equal codes to equal texts, under one key in every instance, and others to other texts", () => {
    const text = fc.string({ unit: fc.constantFrom(..."0123456789abcdefABCDEF.:%-é"), maxLength: 42 });
    fc.assert(
      fc.property(fc.array(text, { maxLength: 40 }), (texts) => {
        const [codes, again] = [new AddressCodes(KEY), new AddressCodes(KEY)];
        const byText = new Map<string, number>();
        for (const [k, t] of texts.entries()) {
          const code = k % 2 === 0 ? fromLine(codes, t) : codes.ofText(t);
          expect(byText.get(t) ?? code, t).toBe(code);
          expect(again.ofText(t)).toBe(code);
          byText.set(t, code);
        }
        expect(new Set(byText.values()).size).toBe(byText.size);
      }),
    );
  });

  it("spreads temporary IPv6 addresses over 32-bit tags as chance would", () => {
    // A tag is 32 bits: among 100,000 addresses about 100,000² / 2^33 ≈ 1.2 pairs share one. What the baseline
    // compares is the few addresses of one page, where that chance is 2^-32 per pair.
    const codes = new AddressCodes(KEY);
    const text = (i: number) => `2001:db8:${(i >>> 16).toString(16)}:${(i & 0xffff).toString(16)}::${i % 7}`;
    const seen = new Set<number>();
    for (let i = 0; i < 100_000; i++) seen.add(fromLine(codes, text(i)));
    expect(100_000 - seen.size).toBeLessThan(10); // 10 or more: about one key in 2.5 million
  });
});
