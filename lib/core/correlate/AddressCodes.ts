/** Codes from here up are interned addresses; below, IPv4 addresses as their 32-bit value. */
const INTERNED = 2 ** 32;

/**
 * Client addresses as numbers, so that a page's tally holds numbers instead of strings: an IPv4 address in its
 * usual form (`203.0.113.7`: four decimal parts, 0–255, no leading zeros) is its 32-bit value, read from the log's
 * bytes without making a string; anything else (IPv6, `-`, oddities) is numbered as text, once per distinct text.
 * Two addresses get the same code exactly when their texts are equal, as a count of distinct strings needs.
 */
export class AddressCodes {
  private readonly ids = new Map<string, number>();
  private readonly texts: string[] = [];

  /** The code of an address given as text. */
  ofText(text: string): number {
    const v4 = ipv4OfText(text);
    return v4 >= 0 ? v4 : this.intern(text);
  }

  /**
   * The code of the address in `buf[start..end)` when it is a canonical IPv4 address, else -1 (then `ofText` of its
   * text gives the code). Two steps rather than a callback for the text: this runs for every line of a log.
   */
  ofIpv4Bytes(buf: Uint8Array, start: number, end: number): number {
    return ipv4OfBytes(buf, start, end);
  }

  /** The text of a code. */
  textOf(code: number): string {
    if (code >= INTERNED) return this.texts[code - INTERNED]!;
    return `${code >>> 24}.${(code >>> 16) & 255}.${(code >>> 8) & 255}.${code & 255}`;
  }

  private intern(text: string): number {
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.texts.length;
      this.texts.push(text);
      this.ids.set(text, id);
    }
    return INTERNED + id;
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
