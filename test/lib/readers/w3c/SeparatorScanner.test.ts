import fc from "fast-check";
import { describe, expect, it } from "vitest";

import {
  borrowScanner,
  createSeparatorScanner,
  JsSeparatorScanner,
  returnScanner,
  type SeparatorScanner,
  WasmSeparatorScanner,
} from "../../../../lib/readers/w3c/SeparatorScanner.js";

const CAPACITY = 4096;

/** What a scan must report, computed the plain way: every space and LF, and per line whether it has a byte ≥ 0x80. */
function naive(bytes: Uint8Array, start: number, end: number) {
  const seps = [start];
  const lines = [0];
  const flags = [0];
  let high = 0;
  for (let at = start; at < end; at++) {
    if (bytes[at] === 0x20) seps.push(at + 1);
    else if (bytes[at] === 0x0a) {
      lines.push(seps.length);
      flags.push(high);
      high = 0;
      seps.push(at + 1);
    } else if (bytes[at]! >= 0x80) high = 1;
  }
  return { count: lines.length - 1, seps, lines, flags };
}

function scanWith(scanner: SeparatorScanner, content: Uint8Array, area: 0 | 1, garbage: number) {
  const start = scanner.areaStart(area);
  // What lies after `end` must not count: fill it with separators and high bytes.
  scanner.text.fill(garbage, start, start + scanner.capacity);
  scanner.text.set(content, start);
  const count = scanner.scan(start, start + content.length);
  const used = count === 0 ? 1 : scanner.lines[count]! + 1;
  return {
    count,
    seps: [...scanner.seps.subarray(0, count === 0 ? 1 : used)].map((at) => at - start),
    lines: [...scanner.lines.subarray(0, count + 1)],
    flags: [0, ...scanner.flags.subarray(1, count + 1)],
  };
}

function expected(content: Uint8Array) {
  const all = naive(content, 0, content.length);
  // Only the boundaries up to the last LF are promised; those after it belong to no line yet.
  return { ...all, seps: all.seps.slice(0, all.count === 0 ? 1 : all.lines[all.count]! + 1) };
}

// Bytes rich in what the scan looks for, in runs that cross its 32-byte steps.
const content = fc
  .array(
    fc.oneof(
      fc.constantFrom(0x20, 0x0a, 0x0d, 0x41, 0x2e, 0xc3, 0xa9, 0xff, 0x80, 0x7f),
      fc.integer({ min: 0, max: 255 }),
    ),
    { maxLength: 300 },
  )
  .map((bytes) => Uint8Array.from(bytes));

describe("SeparatorScanner", () => {
  it("is WebAssembly SIMD on this runtime", () => {
    expect(createSeparatorScanner(CAPACITY)).toBeInstanceOf(WasmSeparatorScanner);
  });

  it.each([
    ["WebAssembly", () => createSeparatorScanner(CAPACITY)],
    ["JavaScript", () => new JsSeparatorScanner(CAPACITY)],
  ])("finds every space and LF, and which lines are not ASCII (%s)", (_, make) => {
    const scanner = make();
    fc.assert(
      fc.property(
        content,
        fc.constantFrom<0 | 1>(0, 1),
        fc.constantFrom(0x20, 0x0a, 0xff),
        (bytes, area, garbage) => {
          expect(scanWith(scanner, bytes, area, garbage)).toEqual(expected(bytes));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("scans a whole area of real-looking lines as the plain scan does", () => {
    const line =
      "2026-11-20 00:01:21 W3SVC1 WEB01 10.10.1.11 GET /cart/view.aspx - 443 - 83.208.67.70 Mozilla/5.0+é 200\n";
    const text = Buffer.from(line.repeat(CAPACITY / line.length + 1)).subarray(0, CAPACITY);
    for (const scanner of [createSeparatorScanner(CAPACITY), new JsSeparatorScanner(CAPACITY)]) {
      expect(scanWith(scanner, text, 1, 0x0a)).toEqual(expected(text));
    }
  });

  it("lends a given-back scanner again instead of making one", () => {
    const first = borrowScanner(CAPACITY);
    returnScanner(first);
    const second = borrowScanner(CAPACITY);
    expect(second).toBe(first);
    expect(borrowScanner(CAPACITY)).not.toBe(second);
    returnScanner(second);
  });
});
