import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { hasAny } from "../../../lib/core/kusto.js";
import { makeStemFilter } from "../../../lib/core/scriptStemFilter.js";

const SCRIPT = [".php", ".jsp", ".js", ".aspx", ".asmx", ".asax", ".cfm", ".shtml"];
const scriptFilter = makeStemFilter(SCRIPT);

function accepts(stem: string, filter = scriptFilter): boolean {
  const bytes = Buffer.from(stem, "utf8");
  return filter(bytes, 0, bytes.length);
}

describe("makeStemFilter", () => {
  it.each([
    ["/x.php", true],
    ["/x.PHP", true],
    ["/x.php.bak", true],
    ["/a.php/b", true],
    ["/x.phpx", false],
    ["/php/x.html", false],
    ["/x.json", false],
    ["/x.js", true],
    ["/X.JS", true],
    ["/x.jsp", true],
    [".php", true], // term at the very start
    ["x.aspx", true], // term at the very end
    ["/x.aspx1", false],
    ["/a.phpx/b.php", true],
    ["/é/x.aspx", true],
    ["/x.aspxé", true], // é is not an ASCII letter: the term ends there
    ["/x.php\u212a", false], // the Kelvin sign lowers to "k", which continues the term
    ["/x.\u212asp", false],
    ["", false],
    ["-", false],
  ])("%j → %s, as hasAny", (stem, expected) => {
    expect(accepts(stem)).toBe(expected);
    expect(hasAny(stem, SCRIPT)).toBe(expected);
  });

  it("reads only the given byte range of a larger buffer", () => {
    const line = Buffer.from("2023-04-18 16:20:01 GET /x.json /x.aspx 443");
    const start = line.indexOf("/x.json");
    expect(scriptFilter(line, start, start + "/x.json".length)).toBe(false);
    expect(scriptFilter(line, start, start + "/x.js".length)).toBe(true);
  });

  it("answers as hasAny for letters that lower-case into ASCII (İ → i̇, Kelvin → k)", () => {
    const filter = makeStemFilter(["i", "k", ".ki"]);
    for (const stem of ["İ", "/aİ", "/\u212a", "/.\u212aİ", "/.\u212ai", "\u212a\u212a"]) {
      expect(accepts(stem, filter), stem).toBe(hasAny(stem, ["i", "k", ".ki"]));
    }
  });

  it("matches non-ASCII terms as hasAny does", () => {
    const terms = ["ä.php", "İ"];
    for (const stem of ["/Ä.PHP", "/ä.php", "/a.php", "/İ", "/i", "/x"]) {
      expect(accepts(stem, makeStemFilter(terms)), stem).toBe(hasAny(stem, terms));
    }
  });

  it("keeps a byte-order mark that starts the stem as a character, as the reader's text has it", () => {
    expect(accepts("\ufeff/x", makeStemFilter(["\ufeff/x"]))).toBe(true);
  });

  it("matches no empty term", () => {
    expect(accepts("/x.php", makeStemFilter([""]))).toBe(false);
  });

  // Byte runs: single bytes (any, valid UTF-8 or not), and whole or cut encodings of the characters that matter.
  const stemPiece = fc.oneof(
    fc.integer({ min: 0, max: 255 }).map((b) => [b]),
    fc.constantFrom(..."./-_aAsSpPhHjJkKiIxX0".split("")).map((c) => [c.charCodeAt(0)]),
    fc.constantFrom("\u212a", "\u0130", "é", "\u{1f600}").map((c) => [...Buffer.from(c)]),
    fc.constantFrom([0xe2, 0x84], [0xc4], [0xe2]),
    fc.constantFrom(...SCRIPT, ".PHP", ".Js", "shell", ".ki").map((t) => [...Buffer.from(t)]),
  );
  const term = fc.oneof(
    fc.constantFrom(...SCRIPT, "shell", "K", "İ", "i", "\u212a", "é.js", ""),
    fc.string({ unit: "binary", maxLength: 4 }),
    fc.string({ unit: fc.constantFrom(".", "p", "H", "j", "s", "x", "0", "-"), maxLength: 5 }),
  );

  it("gives hasAny's answer on the decoded text for any bytes and any terms", () => {
    fc.assert(
      fc.property(
        fc.array(stemPiece, { maxLength: 30 }).map((pieces) => pieces.flat()),
        fc.array(term, { maxLength: 5 }),
        fc.nat(5),
        (bytes, terms, margin) => {
          // Put the stem inside a larger buffer, as the reader does.
          const buf = Buffer.from([...Array<number>(margin).fill(0x61), ...bytes, 0x61]);
          const start = margin;
          const end = margin + bytes.length;
          expect(makeStemFilter(terms)(buf, start, end)).toBe(
            hasAny(buf.toString("utf8", start, end), terms),
          );
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("gives hasAny's answer on any text encoded as UTF-8", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", maxLength: 30 }),
        fc.array(term, { maxLength: 4 }),
        (text, terms) => {
          expect(accepts(text, makeStemFilter(terms))).toBe(hasAny(text, terms));
        },
      ),
      { numRuns: 2000 },
    );
  });

  // The fast path: every term ASCII and led by the same non-alphanumeric byte (the script extensions are).
  const ledTerm = fc
    .string({
      unit: fc.constantFrom("p", "h", "i", "k", "I", "K", "s", "0", ".", "-"),
      minLength: 0,
      maxLength: 4,
    })
    .map((tail) => `.${tail}`);
  const ledPiece = fc.oneof(
    stemPiece,
    fc.constantFrom(".i", ".k", ".I", ".ph", ".php", ".pk").map((t) => [...Buffer.from(t)]),
    fc.constantFrom("\u0130", "\u212a").map((c) => [...Buffer.from(`.${c}`)]),
  );

  it("gives hasAny's answer when all terms start with the same symbol, İ and the Kelvin sign included", () => {
    fc.assert(
      fc.property(
        fc.array(ledPiece, { maxLength: 24 }).map((pieces) => pieces.flat()),
        fc.array(ledTerm, { minLength: 1, maxLength: 5 }),
        fc.nat(7),
        fc.nat(5),
        (bytes, terms, shift, margin) => {
          // The buffer at every alignment (the filter reads a word-aligned one four bytes at a time) and the stem
          // anywhere in it, with dots around it that must not count.
          const backing = Buffer.alloc(shift + margin + bytes.length + 8, 0x2e);
          const buf = backing.subarray(shift);
          buf.set(bytes, margin + 1);
          const [start, end] = [margin + 1, margin + 1 + bytes.length];
          const filter = makeStemFilter(terms);
          expect(filter(buf, start, end)).toBe(hasAny(buf.toString("utf8", start, end), terms));
          // Asked again about another range of the same buffer, as a reader asks line after line.
          expect(filter(buf, start + 1, end)).toBe(hasAny(buf.toString("utf8", start + 1, end), terms));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it.each([
    ["/x.\u0130", [".i"], true], // İ lowers to i + U+0307: ".i" then a mark that is no letter
    ["/x.\u212a", [".k"], true], // the Kelvin sign lowers to k
    ["/x.p\u212a", [".p"], false], // ... which continues the term
    ["/x.PHP\u0130", [".php"], false],
  ])("reads %j against %j as hasAny does (%s)", (stem, terms, expected) => {
    expect(accepts(stem, makeStemFilter(terms))).toBe(expected);
    expect(hasAny(stem, terms)).toBe(expected);
  });
});
