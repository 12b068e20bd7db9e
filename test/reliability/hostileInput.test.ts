import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { InputError } from "../../lib/core/errors.js";
import { parseJsonl, runCli } from "../support/runCli.js";
import {
  CORPUS_CASES,
  type HostileCase,
  WEB01_ALERT,
  WEB01_LOG,
  writeGeneratedCases,
} from "./hostileCorpus.js";
import {
  corruptAlerts,
  corruption,
  corruptW3c,
  PROPERTY_RUNS,
  readAlertIds,
  readW3cKeys,
  writeCutGzip,
} from "./readerProperties.js";
import { markdownTable, writeReportSection } from "./writeReportSection.js";

// Hostile and broken input through the command line, as a process: each case gives a clear report (file:line and
// reason) and the planted finding beside the broken part still comes out. Property tests corrupt valid files at
// random and read them with the real readers: no reader throws, no intact row is lost.

interface Finding {
  RecordId: unknown;
  RequestCount: unknown;
  AttackerIP: unknown;
  ShellLocation: unknown;
}

const finding = (record: Record<string, unknown>): Finding => ({
  RecordId: record.RecordId,
  RequestCount: record.RequestCount,
  AttackerIP: record.AttackerIP,
  ShellLocation: record.ShellLocation,
});

let dir: string;
let generated: HostileCase[];
let planted: Finding[];
const results = new Map<string, { outcome: string; rows: string }>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hostile-"));
  generated = await writeGeneratedCases(dir);
  const clean = await runCli(["--alerts", WEB01_ALERT, "--iis", WEB01_LOG]);
  expect(clean.code).toBe(0);
  planted = parseJsonl(clean.stdout).map(finding);
  expect(planted).toHaveLength(2); // cmd.exe and powershell.exe, each from two POSTs to /uploads/help.aspx
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  const all = [...CORPUS_CASES.map((c) => c.name), ...GENERATED_NAMES];
  if (!all.every((name) => results.has(name))) return;
  const table = markdownTable(
    ["input", "outcome", "good rows read / bad rows reported"],
    all.map((name) => [name, results.get(name)!.outcome, results.get(name)!.rows]),
  );
  const refused = [...results.values()].filter((r) => r.outcome.startsWith("refused")).length;
  const total = all.length + PROPERTY_RUNS.w3c + PROPERTY_RUNS.alerts + PROPERTY_RUNS.gzip;
  const summary =
    `${all.length} hostile inputs through the command line: none crashed; ${all.length - refused} kept every ` +
    `good row and the planted finding; ${refused} refused as a whole with the reason and the fix (a UTF-16 alert ` +
    `export, exit 2). Property tests (fast-check, readers called directly): ${PROPERTY_RUNS.w3c} random ` +
    `corruptions of a W3C log, ${PROPERTY_RUNS.alerts} of a JSON-lines alert export and ${PROPERTY_RUNS.gzip} ` +
    `gzip files cut at random offsets: no reader threw and no row that was not itself corrupted was lost. ` +
    `${total} cases tried in all, 0 crashes, 0 good rows lost.`;
  await writeReportSection("hostile", `${table}\n\n${summary}`);
});

const GENERATED_NAMES = [
  "1 MB command line in an alert",
  "1 MB W3C line (a huge query string)",
  "gzip cut short",
];

async function check(c: HostileCase): Promise<void> {
  const run = await runCli(c.args);
  expect(run.code, run.stderr).toBe(c.exit);
  expect(run.stderr).not.toMatch(/internal error|TypeError|RangeError|at .*\.js:\d+/);
  for (const report of c.reports) {
    if (typeof report === "string") expect(run.stderr).toContain(report);
    else expect(run.stderr).toMatch(report);
  }
  if (c.counts !== undefined) {
    expect(run.stderr).toContain(
      `${c.counts.file}: ${c.counts.read} row(s) read, ${c.counts.skipped} skipped`,
    );
  }
  const records = c.exit === 0 ? parseJsonl(run.stdout).map(finding) : [];
  if (c.finding) expect(records).toEqual(expect.arrayContaining(planted));
  results.set(c.name, {
    outcome:
      c.exit === 0
        ? `exit 0; ${c.reports.length === 0 ? "read as is" : `${c.reports.length} report(s) naming the file (and line) and the reason`}; planted finding kept`
        : "refused as a whole: exit 2 with the reason and the fix",
    rows: c.counts === undefined ? "—" : `${c.counts.read} / ${c.counts.skipped}`,
  });
}

describe("hostile corpus through the command line", () => {
  it.each(CORPUS_CASES.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    await check(c);
  });

  it.each(GENERATED_NAMES)("%s", async (name) => {
    const c = generated.find((g) => g.name === name);
    expect(c).toBeDefined();
    await check(c!);
  });

  it("keeps the 1 MB command line whole in the JSON output", async () => {
    const c = generated.find((g) => g.name === "1 MB command line in an alert")!;
    const run = await runCli(c.args);
    const big = parseJsonl(run.stdout).find((r) => r.SystemAlertId === "big-command-1");
    expect(String(big?.ProcessCommandLine)).toHaveLength(1_000_000 + 'cmd.exe /c ""'.length);
  });
});

describe("random corruption of valid files (fast-check)", () => {
  // A file of 1–60 good rows with any subset of them broken, each in its own random way.
  const damagedFile = fc.integer({ min: 1, max: 60 }).chain((count) =>
    fc.tuple(
      fc.constant(count),
      fc
        .uniqueArray(fc.tuple(fc.nat({ max: count - 1 }), corruption), {
          maxLength: count,
          selector: ([index]) => index,
        })
        .map((entries) => new Map(entries)),
    ),
  );

  it("a W3C log: the reader never throws and keeps every intact line", async () => {
    await fc.assert(
      fc.asyncProperty(damagedFile, async ([count, damage]) => {
        const { bytes, intactKeys } = corruptW3c(count, damage);
        const path = join(dir, "corrupt.log");
        await writeFile(path, bytes);
        const { keys } = await readW3cKeys(path);
        expect(intactKeys.filter((key) => !keys.has(key))).toEqual([]);
      }),
      { numRuns: PROPERTY_RUNS.w3c },
    );
  });

  it("a JSON-lines alert export: the reader never throws and keeps every intact alert", async () => {
    await fc.assert(
      fc.asyncProperty(damagedFile, async ([count, damage]) => {
        const { bytes, intactIds } = corruptAlerts(count, damage);
        const path = join(dir, "corrupt.jsonl");
        await writeFile(path, bytes);
        const ids = await readAlertIds(path).catch((error: unknown) => {
          // The designed refusals: a file that opens with a UTF-16 byte order mark, or whose bytes are a quarter
          // NULs (UTF-16 without one), is refused whole with the fix (detectExportFormat). Random damage gets there
          // only by replacing the first line, or when no intact line is left beside it.
          expect(error).toBeInstanceOf(InputError);
          expect(startsWithUtf16Bom(bytes) || intactIds.length === 0, String(error)).toBe(true);
          return new Set(intactIds);
        });
        expect(intactIds.filter((id) => !ids.has(id))).toEqual([]);
      }),
      // A fresh seed every run. This property once failed on damage that made the whole file refused (a cut first
      // line taken for one broken JSON document); fast-check prints the seed of any failure to replay it.
      { numRuns: PROPERTY_RUNS.alerts },
    );
  });

  it("a gzip cut anywhere: the reader never throws, keeps a prefix of the rows and reports the cut", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0.05, max: 0.999, noNaN: true }),
        async (count, fraction) => {
          const { path, keys } = await writeCutGzip(dir, count, fraction);
          const { keys: read, diagnostics } = await readW3cKeys(path);
          // What was read is exactly the first rows of the file, in order, and the loss is reported.
          expect([...read]).toEqual(keys.slice(0, read.size));
          // A cut inside the first deflate block is reported only as "the file is empty" (see knownBugs.test.ts).
          if (read.size < keys.length) {
            expect(diagnostics.totalSkipped + diagnostics.warnings.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: PROPERTY_RUNS.gzip },
    );
  });
});

function startsWithUtf16Bom(bytes: Buffer): boolean {
  return (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
}
