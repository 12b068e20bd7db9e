/**
 * A set of text keys in a fixed amount of memory (a Bloom filter): `has` may answer yes for a key never added, at a
 * rate that grows with the keys added, but never answers no for one that was. For questions where a wrong yes
 * costs only work (another reading of a file), never a wrong answer.
 */
export class ApproximateKeySet {
  private readonly bits: Uint32Array;
  private readonly mask: number;

  /** @param log2Bits the filter's size, 2^log2Bits bits (23: 1 MiB, a few percent wrong yeses at a million keys) */
  constructor(log2Bits: number) {
    this.bits = new Uint32Array(2 ** Math.max(5, log2Bits) / 32);
    this.mask = this.bits.length * 32 - 1;
  }

  add(key: string): void {
    for (const bit of this.positions(key)) this.bits[bit >>> 5]! |= 1 << (bit & 31);
  }

  has(key: string): boolean {
    return this.positions(key).every((bit) => (this.bits[bit >>> 5]! & (1 << (bit & 31))) !== 0);
  }

  clear(): void {
    this.bits.fill(0);
  }

  /** Three positions from two FNV-1a hashes of the key (double hashing). */
  private positions(key: string): number[] {
    let a = 0x811c9dc5;
    let b = 0x01000193;
    for (let i = 0; i < key.length; i++) {
      const code = key.charCodeAt(i);
      a = Math.imul(a ^ code, 0x01000193);
      b = Math.imul(b ^ code, 0x5bd1e995);
    }
    b |= 1;
    return [a & this.mask, (a + b) & this.mask, (a + 2 * b) & this.mask];
  }
}
