import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { Diagnostics } from "../../lib/core/Diagnostics.js";
import { readIisInputs } from "../../lib/readers/iis/readIisInputs.js";
import { HOSTILE, WEB01_LOG } from "./hostileCorpus.js";

// Bugs the reliability work found in the IIS readers (lib/iis/), kept as regression tests: each states the
// behaviour that must hold, the input that broke it and what used to happen.

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "known-bugs-"));
});

afterAll(async () => rm(dir, { recursive: true, force: true }));

async function read(path: string) {
  const diagnostics = new Diagnostics();
  const stems: string[] = [];
  await readIisInputs([{ path }], { diagnostics }, (request) => stems.push(request.csUriStem));
  return { stems, diagnostics, counts: diagnostics.inputs.get(path) };
}

describe("lib/iis/readCsvExport.ts", () => {
  // Input: a W3CIISLog CSV export (test/fixtures/hostile/iis-export-quotes.csv) with one row whose user agent
  // holds a stray `"` inside an unquoted field (line 7: `…,Mozilla "stray quote,…`).
  // Expected: that row is skipped with its line (7), the 8 good rows are read, the attacker's two POSTs among them.
  // Was: csv-parse threw INVALID_OPENING_QUOTE and the reader ends the file: 0 rows read (the 5 parsed before
  // the error are dropped too, as the pipeline is torn down before they are consumed), one skip at line 14.
  // Fix: parse with `skip_records_with_error: true` and report each `on_skip` (as readCsvAlertRecords does).
  it("skips a row with a stray quote and keeps every other row", async () => {
    const lines = (await readFile(`${HOSTILE}/iis-export-quotes.csv`, "utf8")).split("\r\n");
    const stray =
      "t,2026-11-20T10:10:00Z,WEB01.contoso.local,W3SVC1,WEB01,10.1.0.11,443,GET,/default.aspx,-,-," +
      '198.51.100.40,Mozilla "stray quote,-,200,0,0,5';
    const path = join(dir, "stray-quote.csv");
    await writeFile(path, [...lines.slice(0, 6), stray, ...lines.slice(6)].join("\r\n"));
    const { stems, counts, diagnostics } = await read(path);
    expect(counts).toMatchObject({ read: 8, skipped: 2 }); // the stray-quote row and the fixture's short row
    expect(stems.filter((stem) => stem === "/uploads/help.aspx")).toHaveLength(2);
    expect(diagnostics.inputs.get(path)?.examples[0]?.line).toBe(7);
  });
});

describe("lib/iis/readIisFile.ts (with readFileHead.ts)", () => {
  // Input: a gzip of the web01 log (512 bytes) cut after 30 bytes, inside its first deflate block.
  // Expected: a skip saying the gzip data is truncated (the file's rows are lost), as for a later cut.
  // Was: the head decompressed to nothing with Z_SYNC_FLUSH, `detectIisFormat` calls it empty, and the only
  // report is the note "the file is empty" — wrong about what happened, and easy to overlook.
  // Fix: for a gzip whose head is empty, check that the compressed data ends (an empty gzip is 20 bytes and
  // gunzips without error); otherwise report `brokenGzipReason`.
  it("reports a gzip cut in its first block as truncated, not as an empty file", async () => {
    const gzip = gzipSync(await readFile(WEB01_LOG));
    const path = join(dir, "cut-early.log.gz");
    await writeFile(path, gzip.subarray(0, 30));
    const { diagnostics } = await read(path);
    expect(diagnostics.warnings).not.toContain(`${path}: the file is empty`);
    expect(diagnostics.inputs.get(path)?.examples[0]?.reason).toMatch(/gzip data is truncated or corrupt/);
  });

  it("reads a gzip that is really empty as empty (the fix must keep this)", async () => {
    const path = join(dir, "empty.log.gz");
    await writeFile(path, gzipSync(Buffer.alloc(0)));
    const { diagnostics } = await read(path);
    expect(diagnostics.warnings).toContain(`${path}: the file is empty`);
    expect(diagnostics.totalSkipped).toBe(0);
  });
});
