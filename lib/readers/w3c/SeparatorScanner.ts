import { separatorScanWasm } from "./separatorScanWasm.js";

/**
 * Finds the field and line boundaries of W3C text: every space and LF of `text[start..end)`. A reader copies (or
 * reads) a chunk into one of the two areas of `text`, calls `scan`, and then reads the boundaries from `seps` and
 * `lines` (see `separatorScanWasm` for their layout): line k (1-based) has `lines[k] - lines[k-1]` fields, field i
 * of it starts at `seps[lines[k-1] + i]`, its LF is at `seps[lines[k]] - 1`, and `flags[k]` is 1 when it holds a
 * byte ≥ 0x80 (else its bytes are its characters). Positions are offsets in `text`. Bytes after the last LF are
 * scanned too but belong to no line.
 */
export interface SeparatorScanner {
  /** Two areas of `capacity` bytes, at `areaStart(0)` and `areaStart(1)`: a reader fills one while it parses the other. */
  readonly text: Buffer;
  readonly capacity: number;
  readonly seps: Int32Array;
  readonly lines: Int32Array;
  readonly flags: Int32Array;
  areaStart(area: 0 | 1): number;
  /** Scans `text[start..end)`, at most `capacity` bytes, and returns the number of LFs in it. */
  scan(start: number, end: number): number;
}

const PAGE = 65_536;
/** Bytes the scan may load past `end`, and `seps` slots it may write past the last boundary (see the module). */
const SLACK = 32;

// The few WebAssembly calls used here: @types/node 20 does not declare the WebAssembly global.
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
let wasmModule: object | null | undefined;

/**
 * The fastest scanner this runtime offers for chunks of up to `capacity` bytes: WebAssembly SIMD (32 bytes a step)
 * where available, else the same scan in plain JavaScript. Each scanner owns its buffers: one per reader.
 */
export function createSeparatorScanner(capacity: number): SeparatorScanner {
  const compiled = compileOnce();
  return compiled === null || wasm === undefined
    ? new JsSeparatorScanner(capacity)
    : new WasmSeparatorScanner(wasm, compiled, capacity);
}

// Scanners are large (about 14 bytes per byte of capacity) and each wraps a WebAssembly memory, which V8 reserves a
// lot of address space for: readers borrow one per file and give it back, instead of making one per file.
const idle: SeparatorScanner[] = [];
const MAX_IDLE = 4;

/** A scanner of at least `capacity` bytes, from the idle ones or new; give it back with {@link returnScanner}. */
export function borrowScanner(capacity: number): SeparatorScanner {
  const index = idle.findIndex((scanner) => scanner.capacity >= capacity);
  if (index === -1) return createSeparatorScanner(capacity);
  return idle.splice(index, 1)[0]!;
}

/** Gives a borrowed scanner back; the caller must not use it afterwards. */
export function returnScanner(scanner: SeparatorScanner): void {
  if (idle.length < MAX_IDLE && !idle.includes(scanner)) idle.push(scanner);
}

function compileOnce(): object | null {
  if (wasmModule === undefined) {
    try {
      wasmModule = wasm === undefined ? null : new wasm.Module(separatorScanWasm());
    } catch {
      wasmModule = null; // no WebAssembly or no SIMD (e.g. --jitless): the JavaScript scan gives the same result
    }
  }
  return wasmModule;
}

/** The scan in WebAssembly: the two text areas at offset 0 of its memory, then `seps`, `lines` and `flags`. */
export class WasmSeparatorScanner implements SeparatorScanner {
  readonly text: Buffer;
  readonly seps: Int32Array;
  readonly lines: Int32Array;
  readonly flags: Int32Array;
  private readonly scanExport: (
    start: number,
    end: number,
    seps: number,
    lines: number,
    flags: number,
  ) => number;
  private readonly sepsOffset: number;
  private readonly linesOffset: number;
  private readonly flagsOffset: number;

  constructor(
    api: WasmApi,
    module: object,
    readonly capacity: number,
  ) {
    const slots = capacity + 2; // one per byte at most, plus the start slot
    this.sepsOffset = align16(2 * (capacity + SLACK));
    this.linesOffset = this.sepsOffset + 4 * (slots + SLACK);
    this.flagsOffset = this.linesOffset + 4 * slots;
    const memory = new api.Memory({ initial: Math.ceil((this.flagsOffset + 4 * slots) / PAGE) });
    const instance = new api.Instance(module, { m: { m: memory } });
    this.scanExport = instance.exports.scan as WasmSeparatorScanner["scanExport"];
    this.text = Buffer.from(memory.buffer, 0, this.sepsOffset);
    this.seps = new Int32Array(memory.buffer, this.sepsOffset, slots);
    this.lines = new Int32Array(memory.buffer, this.linesOffset, slots);
    this.flags = new Int32Array(memory.buffer, this.flagsOffset, slots);
  }

  areaStart(area: 0 | 1): number {
    return area * (this.capacity + SLACK);
  }

  scan(start: number, end: number): number {
    return this.scanExport(start, end, this.sepsOffset, this.linesOffset, this.flagsOffset);
  }
}

/** The same scan, byte by byte, for runtimes without WebAssembly SIMD; tests hold both to the same output. */
export class JsSeparatorScanner implements SeparatorScanner {
  readonly text: Buffer;
  readonly seps: Int32Array;
  readonly lines: Int32Array;
  readonly flags: Int32Array;

  constructor(readonly capacity: number) {
    this.text = Buffer.allocUnsafe(2 * capacity);
    this.seps = new Int32Array(capacity + 2);
    this.lines = new Int32Array(capacity + 2);
    this.flags = new Int32Array(capacity + 2);
  }

  areaStart(area: 0 | 1): number {
    return area * this.capacity;
  }

  scan(start: number, end: number): number {
    const { text, seps, lines, flags } = this;
    seps[0] = start;
    lines[0] = 0;
    let j = 1;
    let k = 0;
    let high = 0;
    for (let at = start; at < end; at++) {
      const b = text[at]!;
      if (b === 0x20) seps[j++] = at + 1;
      else if (b === 0x0a) {
        lines[++k] = j;
        flags[k] = high;
        high = 0;
        seps[j++] = at + 1;
      } else if (b >= 0x80) high = 1;
    }
    return k;
  }
}

function align16(n: number): number {
  return (n + 15) & ~15;
}
