import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { Diagnostics } from "../../../../lib/core/Diagnostics.js";
import type { WebRequest } from "../../../../lib/core/model/WebRequest.js";
import { makeStemFilter, type StemFilter } from "../../../../lib/core/scriptStemFilter.js";
import type { IisFileCounts } from "../../../../lib/readers/iis/IisReadSummary.js";
import { parseW3cText } from "../../../../lib/readers/w3c/parseW3cText.js";
import { readW3cFile } from "../../../../lib/readers/w3c/readW3cFile.js";
import { W3cChunkParser } from "../../../../lib/readers/w3c/W3cChunkParser.js";
import { w3cLogText } from "./w3cArbitraries.js";

const SCRIPT = [".php", ".jsp", ".js", ".aspx", ".asmx", ".asax", ".cfm", ".shtml"];
const SOURCE = "u_ex230418.log";

interface Outcome {
  requests: WebRequest[];
  counts: IisFileCounts;
  skips: unknown[];
  read: number | undefined;
}

const options = fc.record({
  acceptStem: fc.constantFrom<StemFilter | undefined>(
    undefined,
    makeStemFilter(SCRIPT),
    makeStemFilter(["x"]),
    makeStemFilter(["-", "a", "z"]),
  ),
  defaultHost: fc.constantFrom<string | undefined>(undefined, "web01"),
});

function reference(text: string, opts: { acceptStem?: StemFilter; defaultHost?: string }): Outcome {
  const diagnostics = new Diagnostics(Number.MAX_SAFE_INTEGER);
  const { requests, counts } = parseW3cText(text, { source: SOURCE, diagnostics, ...opts });
  return { requests, counts, ...ledger(diagnostics) };
}

/** The fast parser fed with `bytes` cut at `cuts` (sorted offsets). */
function fast(
  bytes: Buffer,
  cuts: number[],
  opts: { acceptStem?: StemFilter; defaultHost?: string },
): Outcome {
  const diagnostics = new Diagnostics(Number.MAX_SAFE_INTEGER);
  const requests: WebRequest[] = [];
  const parser = new W3cChunkParser(SOURCE, { diagnostics, ...opts }, (request) => requests.push(request));
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    // A fresh copy per chunk that is then wiped: the parser must not keep references into a chunk.
    const chunk = Buffer.from(bytes.subarray(from, cut));
    parser.push(chunk);
    chunk.fill(0x7e);
    from = cut;
  }
  parser.end();
  return { requests, counts: parser.counts, ...ledger(diagnostics) };
}

function ledger(diagnostics: Diagnostics): { skips: unknown[]; read: number | undefined } {
  const entry = diagnostics.inputs.get(SOURCE);
  return { skips: entry?.examples ?? [], read: entry?.read };
}

describe("W3cChunkParser gives exactly what the reference parser gives", () => {
  it("on generated logs cut into chunks anywhere", () => {
    fc.assert(
      fc.property(
        w3cLogText.chain((text) => {
          const size = Buffer.byteLength(text);
          return fc.tuple(fc.constant(text), fc.uniqueArray(fc.nat(size), { maxLength: 12 }), options);
        }),
        ([text, cuts, opts]) => {
          const expected = reference(text, opts);
          const actual = fast(
            Buffer.from(text),
            [...cuts].sort((a, b) => a - b),
            opts,
          );
          expect(actual).toEqual(expected);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("on generated logs fed one byte at a time", () => {
    fc.assert(
      fc.property(w3cLogText, options, (text, opts) => {
        const bytes = Buffer.from(text);
        const everyByte = Array.from({ length: bytes.length }, (_, i) => i);
        expect(fast(bytes, everyByte, opts)).toEqual(reference(text, opts));
      }),
      { numRuns: 50 },
    );
  });

  describe("through readW3cFile with a tiny read buffer", () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), "w3c-equivalence-"));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it("on generated logs", async () => {
      await fc.assert(
        fc.asyncProperty(
          w3cLogText,
          fc.integer({ min: 1, max: 64 }),
          options,
          async (text, bufferSize, opts) => {
            const path = join(dir, SOURCE);
            await writeFile(path, text);
            const diagnostics = new Diagnostics(Number.MAX_SAFE_INTEGER);
            const requests: WebRequest[] = [];
            const counts = await readW3cFile(path, { diagnostics, bufferSize, ...opts }, (r) =>
              requests.push(r),
            );
            const expected = parseW3cText(text, { source: path, diagnostics: new Diagnostics(1e9), ...opts });
            expect(requests).toEqual(expected.requests);
            expect(counts).toEqual(expected.counts);
          },
        ),
        { numRuns: 60 },
      );
    });

    it.each(["u_ex100815.log", "u_ex160110.log"])("on the real sample %s", async (name) => {
      const path = fileURLToPath(new URL(`../../../fixtures/iis/${name}`, import.meta.url));
      const text = await readFile(path, "utf8");
      for (const bufferSize of [7, 1 << 20]) {
        for (const acceptStem of [undefined, makeStemFilter(SCRIPT)]) {
          const requests: WebRequest[] = [];
          await readW3cFile(path, { diagnostics: new Diagnostics(), bufferSize, acceptStem }, (r) =>
            requests.push(r),
          );
          const expected = parseW3cText(text, { source: path, diagnostics: new Diagnostics(), acceptStem });
          expect(requests).toEqual(expected.requests);
        }
      }
    });
  });
});

describe("W3cChunkParser on logs joined into one file", () => {
  // `cat a.log b.log` keeps b's byte order mark at the start of its first line. Read as data, b's `#Fields` would
  // leave a's layout on b's lines, and with as many fields the client address would be read as the page.
  const first = "#Fields: date time cs-uri-stem c-ip\n2023-04-18 10:00:00 /home.aspx 192.0.2.1\n";
  const second =
    "\uFEFF#Fields: date time c-ip cs-uri-stem\r\n2023-04-18 10:00:01 198.51.100.7 /shell.aspx\r\n";

  it.each([1, 5, 1 << 20])("takes the second file's layout, in chunks of %i bytes", (size) => {
    const bytes = Buffer.from(first + second);
    const cuts = Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => i * size).slice(1);
    const { requests, counts } = fast(bytes, cuts, {});
    expect(requests.map((r) => [r.csUriStem, r.cIP])).toEqual([
      ["/home.aspx", "192.0.2.1"],
      ["/shell.aspx", "198.51.100.7"],
    ]);
    expect(counts).toMatchObject({ read: 2, skipped: 0 });
  });
});

describe("W3cChunkParser on a log IIS padded with NULs", () => {
  // IIS stopped abruptly leaves NULs where it had reserved room, then starts again after them, with its header:
  // the NULs are no part of the next line, whether a directive or a data line follows them.
  const header = "#Fields: date time cs-uri-stem c-ip\n";
  const line = (n: number) => `2023-04-18 10:00:0${n} /p${n}.aspx 192.0.2.${n}\n`;
  const text = `${header}${line(1)}${line(2)}${"\0".repeat(4096)}${header}${line(3)}${"\0".repeat(100)}${line(4)}`;

  it.each([1, 7, 4096, 1 << 20])(
    "reads every row, in chunks of %i bytes, as the text reader does",
    (size) => {
      const bytes = Buffer.from(text);
      const cuts = Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => i * size).slice(1);
      const { requests, counts } = fast(bytes, cuts, {});
      expect(requests.map((r) => r.csUriStem)).toEqual(["/p1.aspx", "/p2.aspx", "/p3.aspx", "/p4.aspx"]);
      expect(counts).toMatchObject({ read: 4, skipped: 0 });
      expect(requests).toEqual(reference(text, {}).requests);
    },
  );
});
