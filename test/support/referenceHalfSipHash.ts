/**
 * HalfSipHash-2-4 as its paper and reference code state it, byte by byte and round by round, with no care for
 * speed: what `lib/core/correlate/halfSipHash.ts` (written out for speed) is checked against on any input, itself
 * checked against the reference implementation's published tags.
 *
 * @param key the 8 key bytes
 * @param tagBytes 4 or 8
 * @returns the tag's bytes
 */
export function referenceHalfSipHash(message: Uint8Array, key: Uint8Array, tagBytes: 4 | 8): Uint8Array {
  const word = (bytes: Uint8Array, at: number) =>
    (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
  const rotl = (x: number, r: number) => ((x << r) | (x >>> (32 - r))) >>> 0;
  const add = (a: number, b: number) => (a + b) >>> 0;
  const k0 = word(key, 0);
  const k1 = word(key, 4);
  const v = [k0, k1, (0x6c796765 ^ k0) >>> 0, (0x74656462 ^ k1) >>> 0];
  if (tagBytes === 8) v[1] = (v[1]! ^ 0xee) >>> 0;
  const round = () => {
    v[0] = add(v[0]!, v[1]!);
    v[1] = rotl(v[1]!, 5);
    v[1] = (v[1] ^ v[0]) >>> 0;
    v[0] = rotl(v[0], 16);
    v[2] = add(v[2]!, v[3]!);
    v[3] = rotl(v[3]!, 8);
    v[3] = (v[3] ^ v[2]) >>> 0;
    v[0] = add(v[0], v[3]);
    v[3] = rotl(v[3], 7);
    v[3] = (v[3] ^ v[0]) >>> 0;
    v[2] = add(v[2], v[1]);
    v[1] = rotl(v[1], 13);
    v[1] = (v[1] ^ v[2]) >>> 0;
    v[2] = rotl(v[2], 16);
  };
  const absorb = (m: number) => {
    v[3] = (v[3]! ^ m) >>> 0;
    for (let r = 0; r < 2; r++) round();
    v[0] = (v[0]! ^ m) >>> 0;
  };
  const whole = message.length - (message.length % 4);
  for (let at = 0; at < whole; at += 4) absorb(word(message, at));
  const last = new Uint8Array(4);
  last.set(message.subarray(whole));
  last[3] = message.length & 0xff;
  absorb(word(last, 0));
  v[2] = (v[2]! ^ (tagBytes === 8 ? 0xee : 0xff)) >>> 0;
  const tag = new Uint8Array(tagBytes);
  const view = new DataView(tag.buffer);
  for (let half = 0; half < tagBytes / 4; half++) {
    if (half === 1) v[1] = (v[1]! ^ 0xdd) >>> 0;
    for (let r = 0; r < 4; r++) round();
    view.setUint32(4 * half, (v[1]! ^ v[3]!) >>> 0, true);
  }
  return tag;
}
