import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

/** The hand-made corpus (see its README). */
export const HOSTILE = "test/fixtures/hostile";
/** The clean IIS log of the planted finding: the attacker's two POSTs to /uploads/help.aspx on web01. */
export const WEB01_LOG = "test/fixtures/cli/iis/web01/u_ex261120.log";
export const WEB01_ALERT = `${HOSTILE}/alerts-web01.jsonl`;

/** One hostile input run through the command line, and what must come out. */
export interface HostileCase {
  /** What is wrong with the input (the words). */
  name: string;
  args: string[];
  /** Exit code: 0 for a run that reports and goes on, 2 for an input refused as a whole. */
  exit: 0 | 2;
  /** Each must appear in standard error: `file:line: reason` (or `file: reason` for a whole file). */
  reports: (string | RegExp)[];
  /** `<file>: N row(s) read, M skipped` for the hostile file: every good row read, every bad one skipped. */
  counts?: { file: string; read: number; skipped: number };
  /** Whether the planted finding (the web01 alert's two records) must be in the output. */
  finding: boolean;
}

/** The corpus cases: files under test/fixtures/hostile/, each beside the planted finding. */
export const CORPUS_CASES: HostileCase[] = [
  {
    name: "invalid JSON lines in an alert export",
    args: ["--alerts", `${HOSTILE}/alerts-invalid-json.jsonl`, "--iis", WEB01_LOG],
    exit: 0,
    reports: [
      `${HOSTILE}/alerts-invalid-json.jsonl:1: not valid JSON`,
      `${HOSTILE}/alerts-invalid-json.jsonl:3: not valid JSON`,
      `${HOSTILE}/alerts-invalid-json.jsonl:4: SystemAlertId is missing`,
      `${HOSTILE}/alerts-invalid-json.jsonl:5: expected a JSON object on each line, found array`,
      `${HOSTILE}/alerts-invalid-json.jsonl:6: not valid JSON`,
    ],
    counts: { file: `${HOSTILE}/alerts-invalid-json.jsonl`, read: 1, skipped: 5 },
    finding: true,
  },
  {
    name: "first line of a JSON-lines alert export is not JSON",
    args: ["--alerts", `${HOSTILE}/alerts-garbage-first-line.jsonl`, "--iis", WEB01_LOG],
    exit: 0,
    reports: [`${HOSTILE}/alerts-garbage-first-line.jsonl:1: not valid JSON`],
    counts: { file: `${HOSTILE}/alerts-garbage-first-line.jsonl`, read: 1, skipped: 1 },
    finding: true,
  },
  {
    name: "`Entities` that is not an array (object, number, null, string, broken JSON)",
    args: ["--alerts", `${HOSTILE}/alerts-entities-not-array.jsonl`, "--iis", WEB01_LOG],
    exit: 0,
    reports: [
      `${HOSTILE}/alerts-entities-not-array.jsonl:1: Entities must be a JSON array, found object`,
      `${HOSTILE}/alerts-entities-not-array.jsonl:2: Entities must be a JSON array, found number`,
      `${HOSTILE}/alerts-entities-not-array.jsonl:3: Entities must be a JSON array, found null`,
      `${HOSTILE}/alerts-entities-not-array.jsonl:4: Entities must be a JSON array, found string`,
      `${HOSTILE}/alerts-entities-not-array.jsonl:6: Entities is not valid JSON`,
    ],
    finding: true,
  },
  {
    name: "`$ref` cycles (self, pair), dangling refs, odd refs and a duplicate `$id`",
    args: ["--alerts", `${HOSTILE}/alerts-ref-cycles.jsonl`, "--iis", WEB01_LOG],
    exit: 0,
    reports: [
      'alert dangling-3: $ref "404" has no matching $id',
      'alert odd-refs-4: $id "8" appears more than once',
    ],
    counts: { file: `${HOSTILE}/alerts-ref-cycles.jsonl`, read: 5, skipped: 0 },
    finding: true,
  },
  {
    name: "CSV alert export with embedded quotes, commas and newlines, a short row and a stray quote",
    args: ["--alerts", `${HOSTILE}/alerts-embedded-quotes.csv`, "--iis", WEB01_LOG],
    exit: 0,
    reports: [
      `${HOSTILE}/alerts-embedded-quotes.csv:5: expected 10 columns (header at line 1), found 3`,
      /alerts-embedded-quotes\.csv:8: not valid CSV: Invalid Opening Quote: a quote is found on field 2, value is/,
    ],
    counts: { file: `${HOSTILE}/alerts-embedded-quotes.csv`, read: 2, skipped: 2 },
    finding: true,
  },
  {
    name: "BOM-prefixed alert export",
    args: ["--alerts", `${HOSTILE}/alerts-bom.jsonl`, "--iis", WEB01_LOG],
    exit: 0,
    reports: [],
    counts: { file: `${HOSTILE}/alerts-bom.jsonl`, read: 1, skipped: 0 },
    finding: true,
  },
  {
    name: "UTF-16 alert export (refused as a whole, with the fix)",
    args: ["--alerts", `${HOSTILE}/alerts-utf16le.json`, "--alerts", WEB01_ALERT, "--iis", WEB01_LOG],
    exit: 2,
    reports: [
      `error: cannot read alert input ${HOSTILE}/alerts-utf16le.json: UTF-16 LE text (byte order mark FF FE) is not supported: expected UTF-8; save it as UTF-8`,
    ],
    finding: false,
  },
  {
    name: "empty alert export",
    args: ["--alerts", `${HOSTILE}/alerts-empty.json`, "--alerts", WEB01_ALERT, "--iis", WEB01_LOG],
    exit: 0,
    reports: [`note: ${HOSTILE}/alerts-empty.json: the file is empty`],
    finding: true,
  },
  {
    name: "control characters and invalid UTF-8 in W3C lines, and a line of NULs",
    args: ["--alerts", WEB01_ALERT, "--iis", `${HOSTILE}/iis-control-chars.log`],
    exit: 0,
    reports: [`${HOSTILE}/iis-control-chars.log:12: expected 17 fields (#Fields at line 4), found 1`],
    counts: { file: `${HOSTILE}/iis-control-chars.log`, read: 10, skipped: 1 },
    finding: true,
  },
  {
    name: "W3C lines with too many and too few fields",
    args: ["--alerts", WEB01_ALERT, "--iis", `${HOSTILE}/iis-field-count.log`],
    exit: 0,
    reports: [
      `${HOSTILE}/iis-field-count.log:10: expected 17 fields (#Fields at line 4), found 19`,
      `${HOSTILE}/iis-field-count.log:12: expected 17 fields (#Fields at line 4), found 4`,
      `${HOSTILE}/iis-field-count.log:14: expected 17 fields (#Fields at line 4), found 16`,
    ],
    counts: { file: `${HOSTILE}/iis-field-count.log`, read: 8, skipped: 3 },
    finding: true,
  },
  {
    name: "`#Fields` changes twice mid-file (new order, new fields, then a 5-field layout)",
    args: ["--alerts", WEB01_ALERT, "--iis", `${HOSTILE}/iis-fields-change.log`],
    exit: 0,
    reports: [],
    counts: { file: `${HOSTILE}/iis-fields-change.log`, read: 9, skipped: 0 },
    finding: true,
  },
  {
    name: "W3CIISLog CSV export with embedded quotes, commas and newlines, and a short row",
    args: ["--alerts", WEB01_ALERT, "--iis", `${HOSTILE}/iis-export-quotes.csv`],
    exit: 0,
    reports: [`${HOSTILE}/iis-export-quotes.csv:9: expected 18 columns (header at line 1), found 4`],
    counts: { file: `${HOSTILE}/iis-export-quotes.csv`, read: 8, skipped: 1 },
    finding: true,
  },
  {
    name: "BOM-prefixed W3C log",
    args: ["--alerts", WEB01_ALERT, "--iis", `${HOSTILE}/iis-bom.log`],
    exit: 0,
    reports: [],
    counts: { file: `${HOSTILE}/iis-bom.log`, read: 8, skipped: 0 },
    finding: true,
  },
  {
    name: "UTF-16 W3C log beside a good one",
    args: ["--alerts", WEB01_ALERT, "--iis", `${HOSTILE}/iis-utf16le.log`, "--iis", `${HOSTILE}/iis-bom.log`],
    exit: 0,
    reports: [`skipped ${HOSTILE}/iis-utf16le.log: UTF-16 LE text (byte order mark FF FE) is not supported`],
    counts: { file: `${HOSTILE}/iis-utf16le.log`, read: 0, skipped: 1 },
    finding: true,
  },
  {
    name: "empty W3C log beside a good one",
    args: ["--alerts", WEB01_ALERT, "--iis", `${HOSTILE}/iis-empty.log`, "--iis", WEB01_LOG],
    exit: 0,
    reports: [`note: ${HOSTILE}/iis-empty.log: the file is empty`],
    finding: true,
  },
];

/**
 * The large cases, written into `dir`: a 1 MB command line, a 1 MB W3C line, and a gzip cut short (the attacker's
 * lines come early, so they are before the cut).
 */
export async function writeGeneratedCases(dir: string): Promise<HostileCase[]> {
  const alert = JSON.parse((await readFile(WEB01_ALERT, "utf8")).trim()) as Record<string, unknown>;
  const entities = JSON.parse(String(alert.Entities)) as Record<string, unknown>[];
  for (const entity of entities) {
    // Another process than the alert's own copy below names: one process makes one record (docs/design.md §4.12).
    if (entity.$id === "8") {
      entity.CommandLine = `cmd.exe /c "${"A=".repeat(500_000)}"`;
      entity.ProcessId = "7341";
    }
  }
  const bigAlert = join(dir, "alerts-1mb-command-line.jsonl");
  await writeFile(
    bigAlert,
    [
      JSON.stringify({ ...alert, SystemAlertId: "big-command-1", Entities: JSON.stringify(entities) }),
      JSON.stringify(alert),
    ].join("\n"),
  );

  const log = (await readFile(WEB01_LOG, "utf8")).split("\n");
  const longLine =
    "2026-11-20 10:19:00 W3SVC1 WEB01 10.1.0.11 GET /search.aspx " +
    `q=${"x".repeat(1_000_000)} 443 - 198.51.100.50 curl/8.0 - 200 0 0 9`;
  const bigLine = join(dir, "iis-1mb-line.log");
  await writeFile(bigLine, [...log.slice(0, 9), longLine, ...log.slice(9)].join("\n"));

  // Filler that compresses poorly, so the cut falls well after the attacker's lines.
  const filler = Array.from(
    { length: 20_000 },
    (_, i) =>
      `2026-11-20 11:${String(Math.floor(i / 1000) % 60).padStart(2, "0")}:${String(i % 60).padStart(2, "0")} ` +
      `W3SVC1 WEB01 10.1.0.11 GET /img/${(i * 2654435761) % 99991}.png - 443 - 198.51.100.${i % 250} ` +
      `agent-${(i * 40503) % 65521} - 200 0 0 ${i % 97}`,
  );
  const gzip = gzipSync(Buffer.from([...log, ...filler].join("\n")));
  const cutGzip = join(dir, "iis-cut.log.gz");
  await writeFile(cutGzip, gzip.subarray(0, Math.floor(gzip.length / 2)));

  return [
    {
      name: "1 MB command line in an alert",
      args: ["--alerts", bigAlert, "--iis", WEB01_LOG],
      exit: 0,
      reports: [],
      counts: { file: bigAlert, read: 2, skipped: 0 },
      finding: true,
    },
    {
      name: "1 MB W3C line (a huge query string)",
      args: ["--alerts", WEB01_ALERT, "--iis", bigLine],
      exit: 0,
      reports: [],
      counts: { file: bigLine, read: 9, skipped: 2 },
      finding: true,
    },
    {
      name: "gzip cut short",
      args: ["--alerts", WEB01_ALERT, "--iis", cutGzip],
      exit: 0,
      reports: [
        /iis-cut\.log\.gz:\d+: gzip data is truncated or corrupt \(.*\): the rest of the file is lost/,
      ],
      finding: true,
    },
  ];
}
