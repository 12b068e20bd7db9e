// UTF-8 on bytes, for readers of raw log lines that would otherwise decode a field into a string only to encode it
// again: whether bytes decode to a text that encodes back to them, and a text's lower case made on its bytes.

/**
 * Whether `bytes[start..end)` is well-formed UTF-8 (Unicode's table 3-7: no overlong form, no surrogate, nothing
 * past U+10FFFF, no cut sequence). Exactly then does decoding them, bad sequences as U+FFFD, and encoding the text
 * again give the same bytes: a text key can be taken from the bytes as they are.
 */
export function isWellFormedUtf8(bytes: Uint8Array, start: number, end: number): boolean {
  for (let at = start; at < end;) {
    const b = bytes[at]!;
    if (b < 0x80) at += 1;
    else {
      const length = sequenceLength(bytes, at, end);
      if (length === 0) return false;
      at += length;
    }
  }
  return true;
}

/** What {@link lowerUtf8Into} returns when the caller must lower the text itself. */
export const NEEDS_TEXT = -1;

/** `LOWER[c]` for a BMP code point: its lower case when that is one code point and needs no context, else -1. */
let lowerTable: Int32Array | undefined;

/**
 * Writes the lower case of the UTF-8 text `buf[start..end)` as `String.prototype.toLowerCase` gives it, encoded as
 * UTF-8, into `into` from `at`, and returns where it ends; or {@link NEEDS_TEXT}, having written nothing that
 * counts, when the bytes are not well-formed UTF-8 or hold a character whose lower case is not one character of its
 * own (`İ` → `i̇`; the Greek capital sigma, which is final `ς` at the end of a word, else `σ`) or which lies past the
 * BMP (emoji, historic scripts: rare in URLs). `into` needs room for `2 * (end - start)` bytes: a lower case may
 * take more bytes than its capital (`Ⱥ`, U+023A, two, lowers to U+2C65, three) or fewer (the Kelvin sign, to `k`).
 *
 * Why a table rather than rules: the lower case of every BMP character is read from `toLowerCase` itself, once, on
 * the first text that needs it (65,536 one-character strings, a few milliseconds), so the two cannot disagree.
 */
export function lowerUtf8Into(
  into: Uint8Array,
  at: number,
  buf: Uint8Array,
  start: number,
  end: number,
): number {
  let to = at;
  for (let from = start; from < end;) {
    const b = buf[from]!;
    if (b < 0x80) {
      into[to++] = b >= 0x41 && b <= 0x5a ? b + 32 : b;
      from += 1;
      continue;
    }
    const length = sequenceLength(buf, from, end);
    if (length === 0 || length === 4) return NEEDS_TEXT;
    const code =
      length === 2
        ? ((b & 0x1f) << 6) | (buf[from + 1]! & 0x3f)
        : ((b & 0x0f) << 12) | ((buf[from + 1]! & 0x3f) << 6) | (buf[from + 2]! & 0x3f);
    // Built on the first character that needs it: a run over ASCII logs never does.
    const lower = (lowerTable ??= buildLowerTable())[code]!;
    if (lower < 0) return NEEDS_TEXT;
    to = writeCodePoint(into, to, lower);
    from += length;
  }
  return to;
}

/** The length of the well-formed sequence that starts with the non-ASCII byte at `at`, or 0 when there is none. */
function sequenceLength(bytes: Uint8Array, at: number, end: number): number {
  const b = bytes[at]!;
  if (b >= 0xc2 && b <= 0xdf) return at + 1 < end && isContinuation(bytes[at + 1]!) ? 2 : 0;
  if (b >= 0xe0 && b <= 0xef) {
    if (at + 2 >= end || !isContinuation(bytes[at + 2]!)) return 0;
    const second = bytes[at + 1]!;
    // E0 needs A0..BF (no overlong form), ED needs 80..9F (no surrogate).
    const low = b === 0xe0 ? 0xa0 : 0x80;
    const high = b === 0xed ? 0x9f : 0xbf;
    return second >= low && second <= high ? 3 : 0;
  }
  if (b >= 0xf0 && b <= 0xf4) {
    if (at + 3 >= end || !isContinuation(bytes[at + 2]!) || !isContinuation(bytes[at + 3]!)) return 0;
    const second = bytes[at + 1]!;
    // F0 needs 90..BF (no overlong form), F4 needs 80..8F (nothing past U+10FFFF).
    const low = b === 0xf0 ? 0x90 : 0x80;
    const high = b === 0xf4 ? 0x8f : 0xbf;
    return second >= low && second <= high ? 4 : 0;
  }
  return 0; // a continuation byte, C0 or C1 (overlong), or F5..FF
}

function isContinuation(b: number): boolean {
  return (b & 0xc0) === 0x80;
}

function writeCodePoint(into: Uint8Array, to: number, code: number): number {
  if (code < 0x80) {
    into[to] = code;
    return to + 1;
  }
  if (code < 0x800) {
    into[to] = 0xc0 | (code >> 6);
    into[to + 1] = 0x80 | (code & 0x3f);
    return to + 2;
  }
  into[to] = 0xe0 | (code >> 12);
  into[to + 1] = 0x80 | ((code >> 6) & 0x3f);
  into[to + 2] = 0x80 | (code & 0x3f);
  return to + 3;
}

function buildLowerTable(): Int32Array {
  const table = new Int32Array(0x10000).fill(-1);
  for (let code = 0; code < 0x10000; code++) {
    if (code >= 0xd800 && code <= 0xdfff) continue; // surrogates: never decoded from well-formed UTF-8
    const lower = String.fromCharCode(code).toLowerCase();
    // One character, and not one that lowers by context (Final_Sigma: the capital sigma is the only one).
    if (lower.length === 1 && code !== 0x03a3) table[code] = lower.charCodeAt(0);
  }
  return table;
}

const encoder = new TextEncoder();
// As `Buffer.toString("utf8")` decodes: a byte order mark is a character of the text, not dropped.
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/** Any UTF-16 surrogate code unit: only a string that has one can be ill-formed. */
const SURROGATE = /[\ud800-\udfff]/;

/**
 * Writes `text` as bytes of its own into `into` (room for `3 * text.length`) from 0, and returns their length: its
 * UTF-8 when it is well-formed (every string a reader decodes from bytes is); a lone surrogate, which UTF-8 cannot
 * hold, as its own three-byte form (`ED A0 80` for U+D800: WTF-8). Encoding it as U+FFFD, as `TextEncoder` does, would
 * make `"\ud800"` and `"\ufffd"` one key; a JSON export can hold either (`JSON.parse` keeps a lone `\ud800`), and a
 * count of distinct strings must keep them apart. No well-formed UTF-8 holds `ED A0`–`ED BF`, so no other string
 * gets these bytes, and {@link decodeTextKey} gives the text back.
 */
export function encodeTextKey(text: string, into: Uint8Array): number {
  if (!SURROGATE.test(text)) return encoder.encodeInto(text, into).written;
  let to = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdfff) {
      to = writeCodePoint(into, to, unit);
      continue;
    }
    const next = text.charCodeAt(i + 1); // NaN past the end
    if (unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      const code = 0x10000 + ((unit - 0xd800) << 10) + (next - 0xdc00);
      into[to] = 0xf0 | (code >> 18);
      into[to + 1] = 0x80 | ((code >> 12) & 0x3f);
      into[to + 2] = 0x80 | ((code >> 6) & 0x3f);
      into[to + 3] = 0x80 | (code & 0x3f);
      to += 4;
      i += 1;
    } else to = writeCodePoint(into, to, unit); // a lone surrogate, as its own three bytes
  }
  return to;
}

/** The text whose {@link encodeTextKey} bytes are `bytes`. */
export function decodeTextKey(bytes: Uint8Array): string {
  if (isWellFormedUtf8(bytes, 0, bytes.length)) return decoder.decode(bytes);
  // WTF-8: each sequence read by its lead byte, a lone surrogate's included.
  const units: number[] = [];
  for (let at = 0; at < bytes.length;) {
    const b = bytes[at]!;
    const c = (k: number) => bytes[at + k]! & 0x3f;
    if (b < 0x80) {
      units.push(b);
      at += 1;
    } else if (b < 0xe0) {
      units.push(((b & 0x1f) << 6) | c(1));
      at += 2;
    } else if (b < 0xf0) {
      units.push(((b & 0x0f) << 12) | (c(1) << 6) | c(2));
      at += 3;
    } else {
      const code = (((b & 0x07) << 18) | (c(1) << 12) | (c(2) << 6) | c(3)) - 0x10000;
      units.push(0xd800 + (code >> 10), 0xdc00 + (code & 0x3ff));
      at += 4;
    }
  }
  let text = "";
  for (let i = 0; i < units.length; i += 8192) text += String.fromCharCode(...units.slice(i, i + 8192));
  return text;
}
