import { encodeTextKey } from "../utf8.js";
import { halfSipHash, type HashKey, randomHashKey } from "./halfSipHash.js";

/** Codes from here up are other addresses (2^32 + their tag); below, IPv4 addresses' 32-bit values. */
const TAGGED = 2 ** 32;

/**
 * Client addresses as numbers, so that a page's tally holds numbers instead of strings: an IPv4 address in its
 * usual form (`203.0.113.7`: four decimal parts, 0–255, no leading zeros) is its 32-bit value, read from the log's
 * bytes without making a string; anything else (IPv6, `-`, oddities) is 2^32 plus a 32-bit HalfSipHash tag of its
 * bytes (`encodeTextKey`: its UTF-8, a lone surrogate from a JSON export kept apart from U+FFFD), under the key the
 * codes were made with. Nothing is kept per address.
 *
 * Why a tag: where clients are IPv6 hosts with temporary addresses, nearly every request on a rare page brings a new
 * one, and keeping each address to number it cost 57 bytes (131 per such page against 74). Codes are only compared
 * with the few other codes a page keeps (`DistinctIpBaseline`), so what a tag costs is that two different addresses
 * of one page count as one with chance 2^-32: a page's count can come out one lower, never higher, so a collision
 * can make a page look rarer (a record more to read) and never hide one. The key is drawn when the run starts, after
 * the logs were written, so no one who writes them can aim at a collision.
 *
 * Threads of one run that merge their counts make their codes with one key (`hashKey`).
 */
export class AddressCodes {
  private scratch = new Uint8Array(64);
  private readonly tag = new Int32Array(1);

  constructor(readonly hashKey: HashKey = randomHashKey()) {}

  /** The code of an address given as text. */
  ofText(text: string): number {
    const v4 = ipv4OfText(text);
    if (v4 >= 0) return v4;
    if (this.scratch.length < 3 * text.length) this.scratch = new Uint8Array(3 * text.length);
    return this.tagged(this.scratch, 0, encodeTextKey(text, this.scratch));
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
    return this.tagged(buf, start, end);
  }

  private tagged(buf: Uint8Array, start: number, end: number): number {
    halfSipHash(buf, start, end, this.hashKey[0], this.hashKey[1], this.tag);
    return TAGGED + (this.tag[0]! >>> 0);
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
