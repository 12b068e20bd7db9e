/**
 * The bytes of a tiny WebAssembly module (128-bit SIMD) with one export, `scan(start, end, seps, lines, flags) →
 * count`, the W3C reader's hot loop: it finds every space and LF of `memory[start..end)` 32 bytes at a time. For
 * each one, in order, it writes the position just after it to `seps[j]` (i32 slots, `seps[0] = start`); for the
 * k-th LF it also writes that slot's index to `lines[k]` (`lines[0] = 0`) and to `flags[k]` whether the line
 * holds a byte ≥ 0x80 (1) or is pure ASCII (0); it returns the number of LFs. So line k's fields start at
 * `seps[lines[k-1]] .. seps[lines[k] - 1]` and its LF is at `seps[lines[k]] - 1`: the reader gets every field
 * boundary of a 1 MiB chunk from one call, without touching a byte in JavaScript.
 *
 * The module imports its memory (`m.m`): the caller sizes it, puts the text at offset 0 and leaves 32 readable
 * bytes after `end` (the last step may load past it; bytes past `end` are masked out), and 32 writable `seps` slots
 * past the last boundary (boundaries are written 4 at a time, without a branch per boundary).
 *
 * Written as opcodes rather than shipped as a binary so that it can be read and reviewed here; see
 * https://webassembly.github.io/spec/core/binary/ for the encoding.
 */
export function separatorScanWasm(): Uint8Array {
  // Locals: five parameters, twelve i32, four v128.
  const [p, end, seps, lines, flags] = [0, 1, 2, 3, 4];
  const [j, k, sp, lf, m, rest, base, addr, bit, hi, acc, low] = [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
  const [v0, v1, spaces, lfs] = [17, 18, 19, 20];
  // seps[j] = base + ctz(rest); rest &= rest - 1: one boundary, written at addr + offset whether or not `rest`
  // still has a bit (a write past the last boundary is overwritten by the next step or never read).
  const writeLowest = (offset: number) => [
    ...[GET, addr, GET, base, GET, rest, I32_CTZ, I32_ADD, I32_STORE, 2, offset],
    ...[GET, rest, GET, rest, CONST, 1, I32_SUB, I32_AND, SET, rest],
  ];
  // 32-bit mask of the 32 bytes at p: bit i set where byte p + i has its high bit set (after `compare`)
  const mask32 = (compare: number[]) => [
    ...[GET, v0, ...compare, SIMD, I8X16_BITMASK],
    ...[GET, v1, ...compare, SIMD, I8X16_BITMASK, CONST, 16, I32_SHL, I32_OR],
  ];
  const equals = (pattern: number) => [GET, pattern, SIMD, I8X16_EQ];
  const code = [
    ...[CONST, 0x20, SIMD, I8X16_SPLAT, SET, spaces, CONST, 0x0a, SIMD, I8X16_SPLAT, SET, lfs],
    // seps[0] = start; lines[0] = 0; j = 1 (next seps slot); k = 0 (LFs so far); acc = 0 (line is ASCII so far)
    ...[GET, seps, GET, p, I32_STORE, 2, 0, GET, lines, CONST, 0, I32_STORE, 2, 0, CONST, 1, SET, j],
    ...[BLOCK, VOID, LOOP, VOID],
    ...[GET, p, GET, end, I32_GE_U, BR_IF, 1], // while (p < end), 32 bytes a step
    ...[GET, p, SIMD, V128_LOAD, 0, 0, SET, v0, GET, p, SIMD, V128_LOAD, 0, 16, SET, v1],
    ...[...mask32(equals(spaces)), SET, sp, ...mask32(equals(lfs)), SET, lf, ...mask32([]), SET, hi],
    // the last step may reach past `end`: keep only the bits of bytes before it
    ...[GET, end, GET, p, I32_SUB, CONST, 32, I32_LT_U, IF, VOID],
    ...[CONST, 1, GET, end, GET, p, I32_SUB, I32_SHL, CONST, 1, I32_SUB, SET, bit],
    ...[
      GET,
      sp,
      GET,
      bit,
      I32_AND,
      SET,
      sp,
      GET,
      lf,
      GET,
      bit,
      I32_AND,
      SET,
      lf,
      GET,
      hi,
      GET,
      bit,
      I32_AND,
      SET,
      hi,
    ],
    END,
    ...[GET, sp, GET, lf, I32_OR, TEE, m, SET, rest],
    ...[GET, p, CONST, 1, I32_ADD, SET, base, GET, seps, GET, j, CONST, 2, I32_SHL, I32_ADD, SET, addr],
    // Most steps hold at most 4 boundaries: write 4 without branching, then loop for the rest.
    ...[...writeLowest(0), ...writeLowest(4), ...writeLowest(8), ...writeLowest(12)],
    ...[GET, rest, IF, VOID, GET, addr, CONST, 16, I32_ADD, SET, addr, BLOCK, VOID, LOOP, VOID],
    ...[GET, rest, I32_EQZ, BR_IF, 1, ...writeLowest(0), GET, addr, CONST, 4, I32_ADD, SET, addr, BR, 0],
    ...[END, END, END],
    // each LF, lowest first: low = mask of the bytes before it in this step
    ...[BLOCK, VOID, LOOP, VOID, GET, lf, I32_EQZ, BR_IF, 1],
    ...[CONST, 1, GET, lf, I32_CTZ, I32_SHL, CONST, 1, I32_SUB, SET, low, GET, k, CONST, 1, I32_ADD, SET, k],
    // lines[k] = j + boundaries before it; flags[k] = any high bit in the line; the next line starts clean
    ...[
      GET,
      lines,
      GET,
      k,
      CONST,
      2,
      I32_SHL,
      I32_ADD,
      GET,
      j,
      GET,
      m,
      GET,
      low,
      I32_AND,
      I32_POPCNT,
      I32_ADD,
    ],
    ...[I32_STORE, 2, 0],
    ...[GET, flags, GET, k, CONST, 2, I32_SHL, I32_ADD, GET, acc, GET, hi, GET, low, I32_AND, I32_OR],
    ...[CONST, 0, I32_NE, I32_STORE, 2, 0],
    ...[CONST, 0, SET, acc, GET, hi, GET, low, CONST, -1 & 0x7f, I32_XOR, I32_AND, SET, hi],
    ...[GET, lf, GET, lf, CONST, 1, I32_SUB, I32_AND, SET, lf, BR, 0, END, END],
    ...[GET, acc, GET, hi, I32_OR, SET, acc], // what is left belongs to the line that goes on
    ...[GET, j, GET, m, I32_POPCNT, I32_ADD, SET, j], // j += boundaries of this step
    ...[GET, p, CONST, 32, I32_ADD, SET, p, BR, 0, END, END],
    ...[GET, k, END],
  ];
  const body = [2, 12, I32, 4, V128, ...code]; // two groups of locals: 12 × i32, 4 × v128
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...section(1, [1, 0x60, 5, I32, I32, I32, I32, I32, 1, I32]), // type 0: (i32 × 5) → i32
    ...section(2, [1, ...name("m"), ...name("m"), 0x02, 0x00, 1]), // import memory m.m, at least 1 page
    ...section(3, [1, 0]), // function 0 has type 0
    ...section(7, [1, ...name("scan"), 0x00, 0]), // export function 0 as "scan"
    ...section(10, [1, ...vector(body)]), // its code
  ]);
}

// Opcodes. Every immediate used here is in -64..63, so each (signed or unsigned) LEB128 immediate is one byte.
const I32 = 0x7f;
const V128 = 0x7b;
const VOID = 0x40;
const BLOCK = 0x02;
const LOOP = 0x03;
const IF = 0x04;
const END = 0x0b;
const BR = 0x0c;
const BR_IF = 0x0d;
const GET = 0x20;
const SET = 0x21;
const TEE = 0x22;
const I32_STORE = 0x36;
const CONST = 0x41;
const I32_EQZ = 0x45;
const I32_NE = 0x47;
const I32_LT_U = 0x49;
const I32_GE_U = 0x4f;
const I32_CTZ = 0x68;
const I32_POPCNT = 0x69;
const I32_ADD = 0x6a;
const I32_SUB = 0x6b;
const I32_AND = 0x71;
const I32_OR = 0x72;
const I32_XOR = 0x73;
const I32_SHL = 0x74;
const SIMD = 0xfd;
const V128_LOAD = 0x00;
const I8X16_SPLAT = 0x0f;
const I8X16_EQ = 0x23;
const I8X16_BITMASK = 0x64;

function section(id: number, content: readonly number[]): number[] {
  return [id, ...vector(content)];
}

/** Content prefixed with its length (unsigned LEB128). */
function vector(content: readonly number[]): number[] {
  const length: number[] = [];
  let n = content.length;
  do {
    length.push((n & 0x7f) | (n >= 0x80 ? 0x80 : 0));
    n >>>= 7;
  } while (n > 0);
  return [...length, ...content];
}

function name(text: string): number[] {
  return vector([...Buffer.from(text, "utf8")]);
}
