import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { Diagnostics } from "../../../../lib/core/Diagnostics.js";
import { InputError } from "../../../../lib/core/errors.js";
import type { WebRequest } from "../../../../lib/core/model/WebRequest.js";
import { makeStemFilter } from "../../../../lib/core/scriptStemFilter.js";
import { type IisReadOptions, readIisInputs } from "../../../../lib/readers/iis/readIisInputs.js";

const fixture = (name: string) => fileURLToPath(new URL(`../../../fixtures/iis/${name}`, import.meta.url));

describe("readIisInputs", () => {
  let root: string;
  let logs: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "iis-inputs-"));
    logs = join(root, "logs");
    await mkdir(join(logs, "W3SVC1", "old"), { recursive: true });
    await mkdir(join(logs, "exports"), { recursive: true });
    await copyFile(fixture("u_ex100815.log"), join(logs, "W3SVC1", "u_ex100815.log"));
    await writeFile(
      join(logs, "W3SVC1", "old", "u_ex160110.log.gz"),
      gzipSync(await readFile(fixture("u_ex160110.log"))),
    );
    await copyFile(fixture("w3ciislog_export_portal.csv"), join(logs, "exports", "portal.CSV"));
    await copyFile(fixture("w3ciislog_export.jsonl"), join(logs, "exports", "api.jsonl"));
    await writeFile(join(logs, "W3SVC1", "notes.txt"), "not a log");
    await writeFile(join(logs, "W3SVC1", "u_ex230418.log.bak"), "#Fields: date time\n");
    // A log saved as UTF-16 by a script, one with a UTF-8 byte order mark, and an empty one.
    const w3c = await readFile(fixture("u_ex230418_computername.log"), "utf8");
    await writeFile(join(logs, "W3SVC1", "u_ex230418_utf16.log"), Buffer.from(`\uFEFF${w3c}`, "utf16le"));
    await writeFile(join(logs, "W3SVC1", "u_ex230418_bom.log"), `\uFEFF${w3c}`);
    await writeFile(join(logs, "W3SVC1", "u_ex230419_empty.log"), "");
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function readAll(
    inputs: { path: string; defaultHost?: string }[],
    options: Partial<IisReadOptions> = {},
  ) {
    const diagnostics = new Diagnostics(100);
    const requests: WebRequest[] = [];
    const summary = await readIisInputs(inputs, { diagnostics, ...options }, (request) =>
      requests.push(request),
    );
    return { summary, requests, diagnostics };
  }

  it("reads a folder recursively in sorted order, telling each file's format from its content", async () => {
    const { summary } = await readAll([{ path: logs }]);
    expect(summary.files.map((f) => [f.path.slice(logs.length + 1), f.format, f.gzip])).toEqual([
      [join("W3SVC1", "old", "u_ex160110.log.gz"), "w3c", true],
      [join("W3SVC1", "u_ex100815.log"), "w3c", false],
      [join("W3SVC1", "u_ex230418_bom.log"), "w3c", false],
      [join("W3SVC1", "u_ex230418_utf16.log"), "unsupported", false],
      [join("W3SVC1", "u_ex230419_empty.log"), "empty", false],
      [join("exports", "api.jsonl"), "jsonl", false],
      [join("exports", "portal.CSV"), "csv", false],
    ]);
  });

  it("counts per file and in all, and lists the files whose rows have no host name", async () => {
    const { summary, requests } = await readAll([{ path: logs }]);
    const byName = new Map(summary.files.map((f) => [f.path.slice(f.path.lastIndexOf("/") + 1), f]));
    expect(byName.get("u_ex160110.log.gz")).toMatchObject({
      read: 28,
      skipped: 0,
      accepted: 28,
      rowsWithoutHost: 28,
    });
    expect(byName.get("u_ex230418_bom.log")).toMatchObject({ read: 3, accepted: 3, rowsWithoutHost: 0 });
    expect(byName.get("u_ex230418_utf16.log")).toMatchObject({ read: 0, skipped: 1, accepted: 0 });
    expect(byName.get("portal.CSV")).toMatchObject({ read: 4, skipped: 2, accepted: 4 });
    expect(summary.accepted).toBe(requests.length);
    expect(summary.accepted).toBe(28 + 16 + 3 + 3 + 4);
    expect(summary.read).toBe(summary.files.reduce((sum, f) => sum + f.read, 0));
    expect(summary.skipped).toBe(summary.files.reduce((sum, f) => sum + f.skipped, 0));
    expect(summary.filesWithoutHost.map((p) => p.slice(logs.length + 1))).toEqual([
      join("W3SVC1", "old", "u_ex160110.log.gz"),
      join("W3SVC1", "u_ex100815.log"),
    ]);
  });

  it("reports a UTF-16 file as unsupported with a reason and an empty file as a warning, and goes on", async () => {
    const { diagnostics } = await readAll([{ path: logs }]);
    const utf16 = join(logs, "W3SVC1", "u_ex230418_utf16.log");
    const skips = diagnostics.inputs.get(utf16)?.examples ?? [];
    expect(skips.map((s) => [s.source, s.line])).toEqual([[utf16, undefined]]);
    expect(skips[0]?.reason).toMatch(/^UTF-16 LE text .* is not supported: expected UTF-8/);
    expect(diagnostics.warnings).toContain(
      `${join(logs, "W3SVC1", "u_ex230419_empty.log")}: the file is empty`,
    );
  });

  it("skips a UTF-8 byte order mark", async () => {
    const path = join(logs, "W3SVC1", "u_ex230418_bom.log");
    const { requests, diagnostics } = await readAll([{ path }]);
    expect(requests.map((r) => r.csUriStem)).toEqual([
      "/default.aspx",
      "/uploads/shell.aspx",
      "/content/site.css",
    ]);
    expect(diagnostics.totalSkipped).toBe(0);
  });

  it("applies each input's host name to that input's files only", async () => {
    const { requests } = await readAll([
      { path: join(logs, "W3SVC1", "u_ex100815.log"), defaultHost: "web01" },
      { path: join(logs, "W3SVC1", "old") },
    ]);
    expect(requests).toHaveLength(16 + 28);
    expect(requests.slice(0, 16).every((r) => r.sComputerName === "web01" && r.Computer === "web01")).toBe(
      true,
    );
    expect(requests.slice(16).every((r) => r.sComputerName === "" && r.Computer === "")).toBe(true);
  });

  it("reads a file named directly whatever its extension", async () => {
    const path = join(root, "copied-from-server.txt");
    await copyFile(fixture("u_ex100815.log"), path);
    const { summary } = await readAll([{ path }]);
    expect(summary.files).toEqual([
      { path, format: "w3c", gzip: false, read: 16, skipped: 0, accepted: 16, rowsWithoutHost: 16 },
    ]);
  });

  it("passes the stem filter to every reader", async () => {
    const { requests } = await readAll([{ path: logs }], { acceptStem: makeStemFilter([".php", ".aspx"]) });
    expect(new Set(requests.map((r) => r.csUriStem))).toEqual(
      new Set(["/httptest.php", "/default.aspx", "/uploads/shell.aspx"]),
    );
  });

  it("reports progress in bytes read from disk, ending at the sum of the file sizes", async () => {
    const calls: [number, number][] = [];
    const { summary } = await readAll([{ path: logs }], {
      bufferSize: 512,
      onProgress: (bytesRead, totalBytes) => calls.push([bytesRead, totalBytes]),
    });
    expect(calls.length).toBeGreaterThan(summary.files.length);
    expect(calls.every(([, total]) => total === summary.totalBytes)).toBe(true);
    expect(calls.map(([done]) => done)).toEqual([...calls.map(([done]) => done)].sort((a, b) => a - b));
    expect(calls.at(-1)).toEqual([summary.totalBytes, summary.totalBytes]);
  });

  it("warns about a folder with no IIS files", async () => {
    const empty = join(root, "empty-folder");
    await mkdir(empty, { recursive: true });
    const { summary, diagnostics } = await readAll([{ path: empty }]);
    expect(summary.files).toEqual([]);
    expect(diagnostics.warnings).toEqual([expect.stringContaining(`${empty}: no IIS log or export files`)]);
  });

  it("throws InputError naming a path that does not exist, before reading anything", async () => {
    const missing = join(root, "no-such-folder");
    const seen: WebRequest[] = [];
    const error: unknown = await readIisInputs(
      [{ path: logs }, { path: missing }],
      { diagnostics: new Diagnostics() },
      (request) => seen.push(request),
    ).catch((e: unknown) => e);
    expect(error instanceof InputError).toBe(true);
    expect(error).toMatchObject({ name: "InputError", path: missing });
    expect((error as InputError).message).toMatch(/^cannot read IIS input .*no-such-folder: .*ENOENT/);
    expect(seen).toEqual([]);
  });
});
