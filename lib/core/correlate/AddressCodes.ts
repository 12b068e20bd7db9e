import { decodeTextKey, encodeTextKey } from "../utf8.js";
import { ByteKeyIndex } from "./ByteKeyIndex.js";

/** Codes from here up are interned addresses (2^32 + the address's handle); below, IPv4 addresses' 32-bit values. */
const INTERNED = 2 ** 32;

/**
 * Client addresses as numbers, so that a page's tally holds numbers instead of strings: an IPv4 address in its
 * usual form (`203.0.113.7`: four decimal parts, 0–255, no leading zeros) is its 32-bit value, read from the log's
 * bytes without making a string; anything else (IPv6, `-`, oddities) is numbered by its bytes (`encodeTextKey`: its
 * UTF-8, a lone surrogate from a JSON export kept apart from U+FFFD), once per distinct address. Two addresses get
 * the same code exactly when their texts are equal, as a count of distinct strings needs.
 *
 * The others are kept as bytes in a {@link ByteKeyIndex}, not as strings in a `Map`: where clients are IPv6 hosts
 * with temporary addresses, nearly every request on a rare page brings a new one, and a string and its map entry
 * cost about twice the bytes. Reading an ASCII address costs no string either.
 */
export class AddressCodes {
  private readonly others = new ByteKeyIndex(0);
  private scratch = new Uint8Array(64);

  /** The code of an address given as text. */
  ofText(text: string): number {
    const v4 = ipv4OfText(text);
    if (v4 >= 0) return v4;
    if (this.scratch.length < 3 * text.length) this.scratch = new Uint8Array(3 * text.length);
    const length = encodeTextKey(text, this.scratch);
    return INTERNED + this.others.findOrAdd(this.scratch, 0, length);
  }

  /**
   * The code of the address whose text is `buf[start..end)`, when those bytes are ASCII (then they are its
   * characters), else -1 (then `ofText` of its text gives the code). Two steps rather than a callback for the
   * text: this runs for every line of a log.
   */
  ofAsciiBytes(buf: Uint8Array, start: number, end: number): number {
    const v4 = ipv4OfBytes(buf, start, end);
    if (v4 >= 0) return v4;
    for (let at = start; at < end; at++) if (buf[at]! >= 0x80) return -1;
    return INTERNED + this.others.findOrAdd(buf, start, end);
  }

  /** The text of a code. */
  textOf(code: number): string {
    if (code < INTERNED) return `${code >>> 24}.${(code >>> 16) & 255}.${(code >>> 8) & 255}.${code & 255}`;
    const { keys } = this.others.keysOf([code - INTERNED]);
    return decodeTextKey(keys);
  }

  /** Distinct addresses held other than IPv4 ones. */
  get interned(): number {
    return this.others.size;
  }
}

/** The 32-bit value of a canonical dotted IPv4 address in `buf[start..end)`, else -1. */
function ipv4OfBytes(buf: Uint8Array, start: number, end: number): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let at = start; at < end; at++) {
    const b = buf[at]!;
    if (b === 0x2e) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots += 1;
    } else if (b >= 0x30 && b <= 0x39) {
      if (digits > 0 && part === 0) return -1; // a leading zero: "01" is another text than "1"
      part = part * 10 + (b - 0x30);
      digits += 1;
      if (part > 255) return -1;
    } else return -1;
  }
  return dots === 3 && digits > 0 ? value * 256 + part : -1;
}

/** The longest dotted IPv4 address, "255.255.255.255". */
const IPV4_CHARS = 15;
const textBytes = new Uint8Array(IPV4_CHARS);

/** {@link ipv4OfBytes} of a text (an address is ASCII: its code units are its bytes). */
function ipv4OfText(text: string): number {
  if (text.length > IPV4_CHARS) return -1;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80) return -1;
    textBytes[i] = code;
  }
  return ipv4OfBytes(textBytes, 0, text.length);
}
