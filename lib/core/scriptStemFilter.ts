import { hasTerm, isAsciiAlnum } from "./kusto.js";

/**
 * A test on the raw UTF-8 bytes `buf[start..end)` of a request's `csUriStem`, run before any string is built so
 * that a reader can drop the requests the engine never looks at for the price of a byte scan.
 */
export type StemFilter = (buf: Uint8Array, start: number, end: number) => boolean;

/** What a search returns when it met a byte that needs the careful path. */
const NON_ASCII = -1;
/** Stands for any non-ASCII character in the lowered copy: never a term byte, never a letter or digit. */
const OTHER = 0x80;
/** ASCII lower-casing by byte; non-ASCII bytes map to 0xff, which no term byte (all < 0x80) equals. */
const LOWER = Uint8Array.from({ length: 256 }, (_, b) =>
  b >= 0x80 ? 0xff : b >= 65 && b <= 90 ? b + 32 : b,
);

interface AsciiTerm {
  bytes: Uint8Array;
  checkBefore: boolean;
  checkAfter: boolean;
}

/**
 * Kusto `has_any` (see `hasAny`) over raw UTF-8 bytes, without allocating: for every input it answers exactly as
 * `hasAny` of the bytes decoded as UTF-8 (a bad sequence as U+FFFD). IIS writes stems URL-decoded, so they may hold
 * any UTF-8, valid or not.
 *
 * Why this is exact: `toLowerCase` turns only two non-ASCII characters into ASCII (U+0130 `İ` → `i` + U+0307, and
 * the Kelvin sign U+212A → `k`), and the UTF-8 decoder never folds an ASCII byte into a replacement character. So
 * an all-ASCII stem is matched byte for byte, and any other stem is first lowered into a scratch copy where those
 * two characters become their ASCII letters and every other non-ASCII byte becomes a non-letter marker. Terms that
 * stay non-ASCII after lower-casing (never the script extensions) fall back to decoding, and only for non-ASCII
 * stems, the only ones they can match.
 *
 * @example makeStemFilter([".php"])(Buffer.from("/x.PHP.bak"), 0, 10) // true
 */
export function makeStemFilter(terms: readonly string[]): StemFilter {
  const careful = makeCarefulFilter(terms);
  return makeLeadByteFilter(terms, careful) ?? careful;
}

/**
 * The common case, fast: every term is ASCII and starts with the same byte, which is no letter or digit (`.` for
 * the script extensions). Then a term can only start at that byte (no character lowers to it), no term needs the
 * character before it checked, and the stem's other bytes are skipped with one compare each. The answer is the
 * careful filter's: at a candidate position, a term's bytes are compared with ASCII lower-casing, and the only
 * characters that lower into ASCII letters (U+0130 → `i`, U+212A → `k`) are non-ASCII bytes, so meeting any byte
 * ≥ 0x80 inside a candidate match hands the stem to `careful`; the character after a match is read as
 * `startsWithAlnum` reads it.
 */
function makeLeadByteFilter(terms: readonly string[], careful: StemFilter): StemFilter | undefined {
  const lowered = terms.map((term) => term.toLowerCase()).filter((term) => term.length > 0);
  const lead = lowered[0]?.charCodeAt(0);
  if (lead === undefined || lead >= 0x80 || isAsciiAlnum(lead)) return undefined;
  if (!lowered.every((term) => isAscii(term) && term.charCodeAt(0) === lead)) return undefined;
  const patterns = lowered.map((term) => Uint8Array.from(term, (char) => char.charCodeAt(0)));
  const checkAfter = patterns.map((pattern) => isAsciiAlnum(pattern[pattern.length - 1]!));

  /** Whether a term starts at `at`: 1 yes, 0 no, -1 when a byte ≥ 0x80 inside a candidate match needs `careful`. */
  const termAt = (buf: Uint8Array, at: number, end: number): number => {
    for (let t = 0; t < patterns.length; t++) {
      const pattern = patterns[t]!;
      const after = at + pattern.length;
      if (after > end) continue;
      let k = 1;
      for (; k < pattern.length; k++) {
        const b = buf[at + k]!;
        if (b >= 0x80) return -1;
        if (LOWER[b] !== pattern[k]) break;
      }
      if (k === pattern.length && (!checkAfter[t] || !startsWithAlnum(buf, after, end))) return 1;
    }
    return 0;
  };
  const leads = Math.imul(lead, 0x01010101);
  const words = new AlignedWords();

  // From the end: a script page's extension is usually its last bytes, so most script pages are told after a few
  // compares. Other pages are read whole, four bytes at a time where the buffer allows (a word holds the lead byte
  // when XOR with it leaves a zero byte: the exact SWAR test below), so a stem costs a compare per word.
  return (buf, start, end) => {
    const view = words.of(buf);
    let at = end - 1;
    let found = 0;
    for (; at >= start && ((at + 1) & 3) !== 0 && found === 0; at--)
      if (buf[at] === lead) found = termAt(buf, at, end);
    if (view !== undefined) {
      for (; at - 3 >= start && found === 0; at -= 4) {
        const v = view[(at - 3) >> 2]! ^ leads;
        if (((v - 0x01010101) & ~v & 0x80808080) === 0) continue;
        for (let b = at; b >= at - 3 && found === 0; b--) if (buf[b] === lead) found = termAt(buf, b, end);
      }
    }
    for (; at >= start && found === 0; at--) if (buf[at] === lead) found = termAt(buf, at, end);
    return found < 0 ? careful(buf, start, end) : found === 1;
  };
}

/**
 * A buffer's bytes as 32-bit words, when it starts on a word (the readers' scan buffers do), for the last buffer
 * asked about: the readers ask about one buffer line after line.
 */
class AlignedWords {
  private buf: Uint8Array | undefined;
  private words: Int32Array | undefined;

  of(buf: Uint8Array): Int32Array | undefined {
    if (buf !== this.buf) {
      this.buf = buf;
      this.words =
        buf.byteOffset % 4 === 0 ? new Int32Array(buf.buffer, buf.byteOffset, buf.length >> 2) : undefined;
    }
    return this.words;
  }
}

/** Any terms, any bytes: ASCII stems byte for byte, others through a lowered copy (see {@link makeStemFilter}). */
function makeCarefulFilter(terms: readonly string[]): StemFilter {
  const byFirstByte: AsciiTerm[][] = Array.from({ length: 128 }, () => []);
  const otherTerms: string[] = [];
  for (const term of terms) {
    const lower = term.toLowerCase();
    if (lower.length === 0) continue; // Kusto: an empty term matches nothing
    if (!isAscii(lower)) {
      otherTerms.push(lower);
      continue;
    }
    const bytes = Uint8Array.from(lower, (char) => char.charCodeAt(0));
    const first = bytes[0]!;
    byFirstByte[first]!.push({
      bytes,
      checkBefore: isAsciiAlnum(first),
      checkAfter: isAsciiAlnum(bytes[bytes.length - 1]!),
    });
  }
  let scratch = new Uint8Array(256);
  // As `Buffer.toString("utf8")` decodes: a byte-order mark is a character of the stem, not dropped.
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

  return (buf, start, end) => {
    const found = search(buf, start, end, byFirstByte, 0x80);
    if (found !== NON_ASCII) return found === 1;
    if (scratch.length < end - start) scratch = new Uint8Array(2 * (end - start));
    const length = lowerInto(scratch, buf, start, end);
    if (search(scratch, 0, length, byFirstByte, 0x100) === 1) return true;
    if (otherTerms.length === 0) return false;
    const text = decoder.decode(buf.subarray(start, end)).toLowerCase();
    return otherTerms.some((term) => hasTerm(text, term));
  };
}

/**
 * 1 when a term matches in `bytes[start..end)`, 0 when none does, {@link NON_ASCII} as soon as a byte ≥ `stopAt`
 * is met by the scan (0x80 for raw bytes, 0x100 — never — for the lowered copy).
 */
function search(
  bytes: Uint8Array,
  start: number,
  end: number,
  byFirstByte: readonly AsciiTerm[][],
  stopAt: number,
): number {
  for (let at = start; at < end; at++) {
    const b = bytes[at]!;
    if (b >= stopAt) return NON_ASCII;
    const candidates = byFirstByte[LOWER[b]!];
    if (candidates === undefined || candidates.length === 0) continue;
    // The scan has seen only ASCII so far, so the byte before `at` is the character before it.
    if (at > start && isAsciiAlnum(bytes[at - 1]!)) {
      for (const term of candidates) if (!term.checkBefore && matchesAt(bytes, at, end, term)) return 1;
    } else {
      for (const term of candidates) if (matchesAt(bytes, at, end, term)) return 1;
    }
  }
  return 0;
}

function matchesAt(bytes: Uint8Array, at: number, end: number, term: AsciiTerm): boolean {
  const pattern = term.bytes;
  const after = at + pattern.length;
  if (after > end) return false;
  for (let k = 1; k < pattern.length; k++) if (LOWER[bytes[at + k]!] !== pattern[k]) return false;
  return !term.checkAfter || !startsWithAlnum(bytes, after, end);
}

/** Whether the character that starts at `at` lowers to an ASCII letter or digit (raw UTF-8 or lowered copy). */
function startsWithAlnum(bytes: Uint8Array, at: number, end: number): boolean {
  if (at >= end) return false;
  const b = bytes[at]!;
  if (b < 0x80) return isAsciiAlnum(b);
  return isDottedCapitalI(bytes, at, end) || isKelvinSign(bytes, at, end);
}

/** Writes the lowered form of `buf[start..end)` into `into` (never longer than the input) and returns its length. */
function lowerInto(into: Uint8Array, buf: Uint8Array, start: number, end: number): number {
  let length = 0;
  let at = start;
  while (at < end) {
    const b = buf[at]!;
    if (b < 0x80) {
      into[length++] = LOWER[b]!;
      at += 1;
    } else if (isDottedCapitalI(buf, at, end)) {
      into[length++] = 0x69; // "i", then U+0307, which is not a letter or digit
      into[length++] = OTHER;
      at += 2;
    } else if (isKelvinSign(buf, at, end)) {
      into[length++] = 0x6b; // "k"
      at += 3;
    } else {
      into[length++] = OTHER;
      at += 1;
    }
  }
  return length;
}

// C4 and E2 are lead bytes, never continuation bytes, so the decoder always starts a character at them.
function isDottedCapitalI(buf: Uint8Array, at: number, end: number): boolean {
  return at + 1 < end && buf[at] === 0xc4 && buf[at + 1] === 0xb0;
}

function isKelvinSign(buf: Uint8Array, at: number, end: number): boolean {
  return at + 2 < end && buf[at] === 0xe2 && buf[at + 1] === 0x84 && buf[at + 2] === 0xaa;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false;
  return true;
}
