/**
 * HalfSipHash-2-4 (Aumasson and Bernstein's SipHash on 32-bit words: two rounds per word, four to finish) of
 * `buf[start..end)`, keyed by two 32-bit words. It is a keyed pseudo-random function, made for keying hash tables
 * with what an attacker writes: whoever writes the bytes but does not know the key cannot make two inputs share a
 * tag, except by chance (2^-64 per pair with the 64-bit tag). That is what lets a page be known by its tag instead
 * of its bytes (`HashedKeyIndex`), where the pages come from whoever sends requests. (HalfSipHash-1-3, which the Linux
 * kernel runs for its hash tables, hashed a 95-byte page in 130 ns against 170, but the kernel calls it an insecure
 * PRF, fit for hash tables only, where a collision costs time: here it would cost a count.)
 *
 * The tag is as long as `out`: one word (HalfSipHash's 32-bit tag) or two (its 64-bit tag), each word four bytes of
 * the tag read little-endian. With `lowerAscii`, ASCII capitals are read as lower case (the bytes must be ASCII).
 *
 * The rounds are written out where they run (per word, and in the finish): as a function a round would keep the
 * state in memory, and a loop over the rounds, or reading the last block inside the word loop, cost a quarter more
 * per page. `test/support/referenceHalfSipHash.ts` is the plain version this one is tested against.
 */
export function halfSipHash(
  buf: Uint8Array,
  start: number,
  end: number,
  key0: number,
  key1: number,
  out: Int32Array,
  lowerAscii = false,
): void {
  const words = out.length === 1 ? 1 : 2;
  let v0 = key0 | 0;
  let v1 = (words === 2 ? key1 ^ 0xee : key1) | 0;
  let v2 = (0x6c796765 ^ key0) | 0;
  let v3 = (0x74656462 ^ key1) | 0;
  const length = end - start;
  const whole = start + (length & ~3);
  // The last block, read first: the bytes left (0–3), and the length's low byte on top.
  let last = 0;
  for (let b = end - 1; b >= whole; b--) last = (last << 8) | buf[b]!;
  if (lowerAscii) last = lowered(last);
  last |= length << 24;
  for (let at = start; at <= whole; at += 4) {
    let m = last;
    if (at < whole) {
      m = buf[at]! | (buf[at + 1]! << 8) | (buf[at + 2]! << 16) | (buf[at + 3]! << 24);
      if (lowerAscii) m = lowered(m);
    }
    v3 ^= m;
    // Two rounds per word.
    v0 = (v0 + v1) | 0;
    v1 = (v1 << 5) | (v1 >>> 27);
    v1 ^= v0;
    v0 = (v0 << 16) | (v0 >>> 16);
    v2 = (v2 + v3) | 0;
    v3 = (v3 << 8) | (v3 >>> 24);
    v3 ^= v2;
    v0 = (v0 + v3) | 0;
    v3 = (v3 << 7) | (v3 >>> 25);
    v3 ^= v0;
    v2 = (v2 + v1) | 0;
    v1 = (v1 << 13) | (v1 >>> 19);
    v1 ^= v2;
    v2 = (v2 << 16) | (v2 >>> 16);
    v0 = (v0 + v1) | 0;
    v1 = (v1 << 5) | (v1 >>> 27);
    v1 ^= v0;
    v0 = (v0 << 16) | (v0 >>> 16);
    v2 = (v2 + v3) | 0;
    v3 = (v3 << 8) | (v3 >>> 24);
    v3 ^= v2;
    v0 = (v0 + v3) | 0;
    v3 = (v3 << 7) | (v3 >>> 25);
    v3 ^= v0;
    v2 = (v2 + v1) | 0;
    v1 = (v1 << 13) | (v1 >>> 19);
    v1 ^= v2;
    v2 = (v2 << 16) | (v2 >>> 16);
    v0 ^= m;
  }
  v2 ^= words === 2 ? 0xee : 0xff;
  for (let half = 0; half < words; half++) {
    if (half === 1) v1 ^= 0xdd;
    for (let r = 0; r < 4; r++) {
      v0 = (v0 + v1) | 0;
      v1 = (v1 << 5) | (v1 >>> 27);
      v1 ^= v0;
      v0 = (v0 << 16) | (v0 >>> 16);
      v2 = (v2 + v3) | 0;
      v3 = (v3 << 8) | (v3 >>> 24);
      v3 ^= v2;
      v0 = (v0 + v3) | 0;
      v3 = (v3 << 7) | (v3 >>> 25);
      v3 ^= v0;
      v2 = (v2 + v1) | 0;
      v1 = (v1 << 13) | (v1 >>> 19);
      v1 ^= v2;
      v2 = (v2 << 16) | (v2 >>> 16);
    }
    out[half] = v1 ^ v3;
  }
}

/**
 * ASCII capitals of a word's four bytes lowered, four at a time (the bytes must be ASCII): a byte below 0x80 is one
 * when adding 0x3f sets its high bit and adding 0x25 does not (no byte carries into the next); its 0x20 bit is set.
 */
function lowered(word: number): number {
  return word | (((word + 0x3f3f3f3f) & ~(word + 0x25252525) & 0x80808080) >>> 2);
}

/** A hash key: two 32-bit words. */
export type HashKey = readonly [number, number];

/** A hash key from the platform's cryptographic random source (Web Crypto: Node and browsers alike). */
export function randomHashKey(): HashKey {
  const words = crypto.getRandomValues(new Int32Array(2));
  return [words[0]!, words[1]!];
}
