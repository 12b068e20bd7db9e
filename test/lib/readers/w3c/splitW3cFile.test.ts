import { readdir, readFile, rename } from "node:fs/promises";
import { fileURLToPath } from "node:url";

import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { Diagnostics } from "../../../../lib/core/Diagnostics.js";
import { InputError } from "../../../../lib/core/errors.js";
import type { WebRequest } from "../../../../lib/core/model/WebRequest.js";
import { makeStemFilter } from "../../../../lib/core/scriptStemFilter.js";
import { readW3cFile, readW3cRange } from "../../../../lib/readers/w3c/readW3cFile.js";
import { type SplitLimits, splitW3cFile, type W3cRange } from "../../../../lib/readers/w3c/splitW3cFile.js";
import { scratchDir } from "../../../support/scratchDir.js";
import { timelineLog } from "../../core/correlate/w3cTimelineText.js";

const SCRIPT = [".php", ".jsp", ".js", ".aspx", ".asmx", ".asax", ".cfm", ".shtml"];
const FIXTURES = fileURLToPath(new URL("../../../fixtures/iis/", import.meta.url));

/** What a reader gave: requests, counts, and every skip with its line and reason, in order. */
async function readWhole(path: string, maxLineBytes: number, bufferSize = 64) {
  const diagnostics = new Diagnostics(Number.MAX_SAFE_INTEGER);
  const requests: WebRequest[] = [];
  const options = { diagnostics, maxLineBytes, acceptStem: makeStemFilter(SCRIPT), bufferSize };
  const counts = await readW3cFile(path, options, (request) => requests.push(request));
  return { requests, counts, skips: diagnostics.inputs.get(path)?.examples ?? [] };
}

/** The same file read range by range, each on its own, the results put end to end. */
async function readByRanges(path: string, rangeBytes: number, limits: SplitLimits, bufferSize = 64) {
  const diagnostics = new Diagnostics(Number.MAX_SAFE_INTEGER);
  const requests: WebRequest[] = [];
  const counts = { read: 0, skipped: 0, accepted: 0, rowsWithoutHost: 0 };
  const ranges: W3cRange[] = [];
  for await (const range of splitW3cFile(path, rangeBytes, limits)) {
    ranges.push(range);
    const options = {
      diagnostics,
      maxLineBytes: limits.maxLineBytes,
      acceptStem: makeStemFilter(SCRIPT),
      bufferSize,
    };
    const part = await readW3cRange(path, range, options, (request) => requests.push(request));
    for (const key of ["read", "skipped", "accepted", "rowsWithoutHost"] as const) counts[key] += part[key];
  }
  return { requests, counts, skips: diagnostics.inputs.get(path)?.examples ?? [], ranges };
}

// Lines that make a reader's state: directives (some after NUL padding or a byte order mark, some cut across chunk
// ends, some too long to be read), CRLF, blank lines, a last line without LF.
const damage = fc.constantFrom(
  (text: string) => text,
  (text: string) => text.replaceAll("\n", "\r\n"),
  (text: string) => text.replace("\n#Fields", "\n\u0000\u0000\u0000#Fields"),
  (text: string) => text.replace("\n#Fields", "\n\ufeff#Fields"),
  (text: string) => text.replace("\n#Fields", `\n#Fields:${" x".repeat(60)}\n#Fields`),
  (text: string) => `${text}\n\n`,
  (text: string) => text.trimEnd(),
  (text: string) => `\u0000\u0000${text}`,
);

describe("splitW3cFile and readW3cRange", () => {
  const scratch = scratchDir("split-w3c-");

  it("read a log range by range as reading it whole does: requests, counts, skips and their lines", async () => {
    await fc.assert(
      fc.asyncProperty(
        timelineLog,
        damage,
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 16, max: 300 }),
        // Lines too long are skipped whether or not a read ends inside them: reads longer than the longest line too.
        fc.constantFrom(40, 80, 1 << 20),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 300 }),
        async (log, damaged, rangeBytes, chunkBytes, maxLineBytes, wholeReads, rangeReads) => {
          const path = await scratch.write("u_ex261120.log", damaged(log));
          const whole = await readWhole(path, maxLineBytes, wholeReads);
          const split = await readByRanges(path, rangeBytes, { chunkBytes, maxLineBytes }, rangeReads);
          expect(split.requests).toEqual(whole.requests);
          expect(split.counts).toEqual(whole.counts);
          expect(split.skips).toEqual(whole.skips);
          // Ranges tile the file, each from a line start, each but the last at least rangeBytes long.
          const bytes = Buffer.from(damaged(log));
          expect(split.ranges[0]?.start).toBe(0);
          split.ranges.forEach((range, k) => {
            const next = split.ranges[k + 1];
            expect(range.end).toBe(next?.start);
            if (range.start > 0) expect(bytes[range.start - 1]).toBe(0x0a);
            if (next !== undefined) expect(next.start - range.start).toBeGreaterThanOrEqual(rangeBytes);
          });
          expect(split.ranges.every((range) => range.start < bytes.length || range.start === 0)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("read the real IIS samples range by range as whole", async () => {
    for (const name of (await readdir(FIXTURES)).filter((file) => file.endsWith(".log"))) {
      const path = await scratch.write(name, await readFile(`${FIXTURES}${name}`));
      for (const rangeBytes of [1, 97, 4096]) {
        const split = await readByRanges(path, rangeBytes, { chunkBytes: 128 });
        const whole = await readWhole(path, 16 << 20);
        expect(split.requests, `${name} / ${rangeBytes}`).toEqual(whole.requests);
        expect(split.skips, `${name} / ${rangeBytes}`).toEqual(whole.skips);
      }
    }
  });

  it("cut at the first line at least rangeBytes on, with the lines before and the #Fields in force", async () => {
    // A 46-byte header, then 1,000 lines of 34 bytes: the line starts are 46 + 34 k.
    const fields = "#Fields: date time s-computername cs-uri-stem";
    const line = "2026-11-20 10:15:31 WEB01 /x.aspx\n";
    const path = await scratch.write("big.log", `${fields}\n${line.repeat(1000)}`);
    const ranges: W3cRange[] = [];
    for await (const range of splitW3cFile(path, 3400, { chunkBytes: 1000 })) ranges.push(range);
    // The first line at 3,400 or more is data line 99 (at 3,412): 100 lines before it; every later range is 100
    // lines of 34 bytes; the last holds the last line alone.
    expect(ranges.map((range) => range.linesBefore)).toEqual([
      0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000,
    ]);
    expect(ranges.map((range) => range.start)).toEqual([
      0, 3412, 6812, 10212, 13612, 17012, 20412, 23812, 27212, 30612, 34012,
    ]);
    expect(ranges.at(-1)?.end).toBeUndefined();
    expect(ranges[0]?.fields).toBeUndefined();
    expect(ranges.slice(1).every((range) => range.fields?.text === fields && range.fields.line === 1)).toBe(
      true,
    );

    const one: W3cRange[] = [];
    for await (const range of splitW3cFile(path, 1 << 30)) one.push(range);
    expect(one).toEqual([
      { start: 0, end: undefined, linesBefore: 0, fields: undefined, file: ranges[0]!.file },
    ]);
  });

  it("refuses a range of a log that another file replaced since the cut (rotated by rename)", async () => {
    const line = "2026-11-20 10:15:31 WEB01 /x.aspx\n";
    const path = await scratch.write(
      "rotated.log",
      `#Fields: date time s-computername cs-uri-stem\n${line.repeat(100)}`,
    );
    const ranges: W3cRange[] = [];
    for await (const range of splitW3cFile(path, 1000)) ranges.push(range);
    const other = await scratch.write("other.log", `#Fields: date time cs-uri-stem\n${line.repeat(100)}`);
    await rename(other, path);
    const read = readW3cRange(path, ranges[1]!, { diagnostics: new Diagnostics() }, () => undefined);
    await expect(read).rejects.toThrow(InputError);
    await expect(read).rejects.toThrow(/rotated\.log.*replaced while it was read/);
  });
});
