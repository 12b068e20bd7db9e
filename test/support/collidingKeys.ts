import { expect } from "vitest";

/**
 * An attacker's keys against a table ordered by a public hash (MurmurHash3, x86 32-bit, seeded with the length, as
 * the page table's first version was): `count` distinct keys of `length` bytes (a multiple of 4) with one
 * MurmurHash3 state after their last word, hence one hash. The block step is a bijection of the word for a given
 * state, so the last word is solved for; `prefix(n, attempt)` starts key n, and an attempt whose solved bytes
 * `accept` refuses (a space, in a log line) is made again with the next prefix.
 */
export function collidingKeys(
  count: number,
  length: number,
  prefix: (n: number, attempt: number) => string = (n) => `/${n.toString(36)}/`,
  accept: (byte: number) => boolean = () => true,
): Buffer[] {
  const target = 0x5eed;
  const keys: Buffer[] = [];
  for (let n = 0; n < count; n++) {
    for (let attempt = 0; ; attempt++) {
      const key = Buffer.alloc(length, 0x61);
      key.write(prefix(n, attempt), 0, "latin1");
      let state = length;
      for (let at = 0; at < length - 4; at += 4) state = mix(state, key.readInt32LE(at));
      // target = rotl(state ^ k, 13) * 5 + c  ⇒  k; and k = rotl(word * c1, 15) * c2  ⇒  word.
      const k = rotl(Math.imul((target - 0xe6546b64) | 0, inverse(5)), 32 - 13) ^ state;
      const word = Math.imul(rotl(Math.imul(k, inverse(0x1b873593)), 32 - 15), inverse(0xcc9e2d51));
      key.writeInt32LE(word | 0, length - 4);
      if (![0, 1, 2, 3].every((b) => accept(key[length - 4 + b]!))) continue;
      expect(mix(state, word)).toBe(target);
      keys.push(key);
      break;
    }
  }
  return keys;
}

/** MurmurHash3's block step. */
function mix(hash: number, word: number): number {
  const k = Math.imul(rotl(Math.imul(word, 0xcc9e2d51), 15), 0x1b873593);
  return (Math.imul(rotl(hash ^ k, 13), 5) + 0xe6546b64) | 0;
}

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/** The inverse of an odd number modulo 2^32 (Newton's iteration). */
function inverse(odd: number): number {
  let x = odd;
  for (let i = 0; i < 5; i++) x = Math.imul(x, 2 - Math.imul(odd, x));
  return x;
}
