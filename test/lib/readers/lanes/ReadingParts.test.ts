import { join } from "node:path";
import { gzipSync } from "node:zlib";

import { describe, expect, it } from "vitest";

import { InputError } from "../../../../lib/core/errors.js";
import type { IisInputFile } from "../../../../lib/readers/iis/readIisInputs.js";
import { ReadingParts } from "../../../../lib/readers/lanes/ReadingParts.js";
import type { W3cRange } from "../../../../lib/readers/w3c/splitW3cFile.js";
import { scratchDir } from "../../../support/scratchDir.js";

const FIELDS = "#Fields: date time s-computername cs-uri-stem\n";
const LINE = "2026-11-20 10:15:31 WEB01 /x.aspx\n"; // 34 bytes

/** Every part's index, taken until there is none left. */
async function takeAll(queue: ReadingParts): Promise<number[]> {
  const taken: number[] = [];
  for (let index = await queue.take(); index !== -1; index = await queue.take()) taken.push(index);
  return taken;
}

describe("ReadingParts", () => {
  const scratch = scratchDir("reading-parts-");
  const file = async (name: string, content: string | Uint8Array): Promise<IisInputFile> => {
    const path = await scratch.write(name, content);
    return { path, size: Buffer.byteLength(content), defaultHost: undefined };
  };

  it("cuts a plain W3C log of twice the range size or more, in file order, and leaves the others whole", async () => {
    const log = `${FIELDS}${LINE.repeat(100)}`; // 3,446 bytes
    const files = [
      await file("small.log", `${FIELDS}${LINE}`),
      await file("big.log", log),
      await file("big.log.gz", gzipSync(log)), // gzip: read whole
      await file("export.jsonl", `${JSON.stringify({ csUriStem: "/x.aspx" })}\n`.repeat(100)), // not W3C
    ];
    const queue = new ReadingParts(files, 1000, () => false);
    const taken = await takeAll(queue);
    expect(taken).toEqual(queue.parts.map((_, k) => k));
    const { parts } = queue;
    expect(parts.map((part) => part.file)).toEqual([0, 1, 1, 1, 1, 2, 3]);
    expect(parts.filter((part) => part.range !== undefined).map((part) => part.range!.linesBefore)).toEqual([
      0, 30, 60, 90,
    ]);
    // Lines start at 46 + 34 k: a range ends at the first one 1,000 bytes or more past its start. The ranges
    // cover the log, and the byte counts add up to the files' sizes.
    const bytes = parts.map((_, k) => queue.bytesOf(k));
    expect(bytes.slice(1, 5)).toEqual([1032, 1020, 1020, 374]);
    expect(bytes.reduce((a, b) => a + b)).toBe(files.reduce((sum, f) => sum + f.size, 0));
  });

  it("gives a file whose head cannot be read whole: its reader reports it, as for any file", async () => {
    const gone = { path: join(scratch.path, "gone.log"), size: 10_000, defaultHost: undefined };
    const queue = new ReadingParts([gone], 1000, () => false);
    await takeAll(queue);
    expect(queue.parts).toEqual([{ file: 0 }]);
  });

  it("ends a log whose cut fails part-way with a failed part naming it, after the ranges already given", async () => {
    const log = await file("cut.log", `${FIELDS}${LINE.repeat(100)}`);
    const range = { start: 0, end: 1032, linesBefore: 0, fields: undefined, file: "1:2" };
    async function* failing(): AsyncGenerator<W3cRange> {
      yield await Promise.resolve(range);
      throw Object.assign(new Error("EIO: i/o error, read"), { code: "EIO", syscall: "read" });
    }
    const queue = new ReadingParts([log], 1000, () => false, failing);
    expect(await takeAll(queue)).toEqual([0, 1]);
    expect(queue.parts[0]).toEqual({ file: 0, range });
    const { failure } = queue.parts[1]!;
    expect(failure).toBeInstanceOf(InputError);
    expect(failure?.message).toContain("cut.log");
    expect(failure?.message).toContain("EIO");
  });

  it("makes no part once the run stopped", async () => {
    const files = [await file("c.log", `${FIELDS}${LINE}`), await file("d.log", `${FIELDS}${LINE}`)];
    const queue = new ReadingParts(files, 1000, () => true);
    await queue.made;
    expect(queue.parts).toEqual([]);
    expect(await queue.take()).toBe(-1);
  });

  it("stops giving out and making parts once the run stopped", async () => {
    const files = [await file("a.log", `${FIELDS}${LINE}`), await file("b.log", `${FIELDS}${LINE}`)];
    let stopped = false;
    const queue = new ReadingParts(files, 1000, () => stopped);
    expect(await queue.take()).toBe(0);
    stopped = true;
    expect(await queue.take()).toBe(-1);
    await queue.made;
  });
});
