/**
 * A small seeded pseudo-random generator (sfc32, seeded through splitmix32) so that a data set is a pure function
 * of its options: the same seed gives byte-identical files on every machine, which `Math.random` cannot.
 * Streams forked by label are independent of how much the parent consumed, so adding a draw in one part of the
 * generator does not reshuffle every other part.
 *
 * @example new Random(1).fork("traffic:WEB01").int(10) // always the same number in 0..9
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** @param seed any safe integer; `label` derives an independent stream from the same seed. */
  constructor(
    private readonly seed: number,
    label = "",
  ) {
    let state = mix32((seed >>> 0) ^ Math.imul(Math.floor(seed / 2 ** 32) >>> 0, 0x9e3779b1) ^ hash32(label));
    const take = () => {
      state = (state + 0x9e3779b9) | 0;
      return mix32(state);
    };
    this.a = take();
    this.b = take();
    this.c = take();
    this.d = take();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** A new generator for a named purpose, independent of this one's position. */
  fork(label: string): Random {
    return new Random(this.seed, label);
  }

  /** Uniform unsigned 32-bit integer (sfc32 step). */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform integer in [min, max], both included. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element, uniformly. */
  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new RangeError("Random.pick needs a non-empty list");
    return item;
  }

  /** Lower-case hexadecimal digits, e.g. for hashes and device ids. */
  hex(length: number): string {
    let out = "";
    while (out.length < length) out += this.nextUint32().toString(16).padStart(8, "0");
    return out.slice(0, length);
  }

  /** A version-4-shaped GUID drawn from this stream (never from the clock). */
  guid(): string {
    const h = this.hex(32);
    const variant = "89ab"[this.int(4)] ?? "8";
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}

function mix32(value: number): number {
  let z = value | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
