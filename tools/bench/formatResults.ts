import { existsSync, readFileSync, writeFileSync } from "node:fs";

import { format, resolveConfig } from "prettier";

import type { Summary } from "./summarizeRuns.js";

/** The targets of the issue, checked on every run (they are meant for the 10M-line set). */
export const TARGETS = {
  compatVsDuckDb: 0.75,
  preciseVsDuckDb: 0.9,
  stretchVsDuckDb: 0.6,
  peakRssMiB: 300,
  vsFloor: 7,
} as const;

/** Everything a results section says. */
export interface BenchReport {
  lines: number;
  bytes: number;
  files: number;
  seed: number;
  date: string;
  machine: string;
  loadBefore: string;
  loadAfter: string;
  summaries: Summary[];
  checks: string[];
  command: string;
}

const LABELS: Record<string, string> = {
  compat: "CLI `--mode compat`",
  precise: "CLI `--mode precise`",
  "compat-workers": "compat, + worker threads (from 64 MiB)",
  "precise-workers": "precise, + worker threads (from 64 MiB)",
  duckdb: "DuckDB SQL (compat), 2 threads",
  floor: "read floor (1 MiB reads, count LF)",
};

/** The markdown table of a run. */
export function formatTable(summaries: readonly Summary[]): string {
  const rows = summaries.map((s) =>
    [
      LABELS[s.name] ?? s.name,
      `${(s.medianWallMs / 1000).toFixed(2)} s`,
      s.mbPerSecond.toFixed(0),
      `${(s.linesPerSecond / 1e6).toFixed(2)} M`,
      `${s.peakRssMiB.toFixed(0)} MiB`,
      s.vsDuckDb.toFixed(2),
      s.vsFloor.toFixed(2),
    ].join(" | "),
  );
  return [
    "| contender | median wall | MB/s | lines/s | peak RSS | × DuckDB | × floor |",
    "|---|--:|--:|--:|--:|--:|--:|",
    ...rows.map((row) => `| ${row} |`),
  ].join("\n");
}

/** Each target, met or not, with the measured figure. */
export function checkTargets(summaries: readonly Summary[]): string[] {
  const by = (name: string) => summaries.find((s) => s.name === name);
  const mark = (ok: boolean) => (ok ? "met" : "**not met**");
  const lines: string[] = [];
  for (const [suffix, label] of [
    ["", "the CLI"],
    ["-workers", "with worker threads"],
  ] as const) {
    const compat = by(`compat${suffix}`);
    const precise = by(`precise${suffix}`);
    if (compat === undefined || precise === undefined) continue;
    const rss = Math.max(compat.peakRssMiB, precise.peakRssMiB);
    const floor = Math.max(compat.vsFloor, precise.vsFloor);
    lines.push(
      `${label}: compat ≤ ${TARGETS.compatVsDuckDb} × DuckDB: ${compat.vsDuckDb.toFixed(2)} — ${mark(compat.vsDuckDb <= TARGETS.compatVsDuckDb)}`,
      `${label}: precise ≤ ${TARGETS.preciseVsDuckDb} × DuckDB: ${precise.vsDuckDb.toFixed(2)} — ${mark(precise.vsDuckDb <= TARGETS.preciseVsDuckDb)}`,
      `${label}: peak RSS ≤ ${TARGETS.peakRssMiB} MiB: ${rss.toFixed(0)} MiB — ${mark(rss <= TARGETS.peakRssMiB)}`,
      `${label}: ≤ ${TARGETS.vsFloor} × the read floor: ${floor.toFixed(2)} — ${mark(floor <= TARGETS.vsFloor)}`,
    );
    if (suffix === "-workers") {
      const ok = compat.vsDuckDb <= TARGETS.stretchVsDuckDb;
      lines.push(
        `${label}, stretch: compat ≤ ${TARGETS.stretchVsDuckDb} × DuckDB: ${compat.vsDuckDb.toFixed(2)} — ${mark(ok)}`,
      );
    }
  }
  return lines;
}

/** One size's section of RESULTS.md. */
export function formatSection(report: BenchReport): string {
  const gb = (report.bytes / 1e9).toFixed(2);
  return [
    `${startMarker(report.lines)}`,
    `## ${report.lines.toLocaleString("en-US")} lines (${gb} GB in ${report.files} files, seed ${report.seed})`,
    "",
    `Run ${report.date} with \`${report.command}\`, ${report.summaries[0]?.runs ?? 0} alternating runs of each, ` +
      `each in its own process (wall time from spawn to exit, Node start-up included).`,
    "",
    `Machine: ${report.machine}. Load average (1/5/15 min) before: ${report.loadBefore}, after: ${report.loadAfter}.`,
    "",
    formatTable(report.summaries),
    "",
    "Checks:",
    "",
    ...report.checks.map((check) => `- ${check}`),
    "",
    "Targets (set for the 10M-line data set):",
    "",
    ...checkTargets(report.summaries).map((line) => `- ${line}`),
    END_MARKER,
  ].join("\n");
}

const HEADER = `# Benchmark results

Written by \`npm run bench -- --lines <n>\` (see \`bench/runBench.ts\`): each data-set size keeps its own section,
replaced when that size is run again. The notes at the end are kept as they are.
`;
const NOTES_MARKER = "<!-- notes: kept across runs -->";
const END_MARKER = "<!-- /bench -->";
const startMarker = (lines: number) => `<!-- bench: ${lines} lines -->`;

/**
 * Writes the section into the results file: replaces that size's section, keeps the others and the notes, and
 * formats the whole as the repository's Prettier settings want it (the file is committed).
 */
export async function updateResultsFile(path: string, lines: number, section: string): Promise<void> {
  const old = existsSync(path) ? readFileSync(path, "utf8") : "";
  const notesAt = old.indexOf(NOTES_MARKER);
  const notes = notesAt === -1 ? `${NOTES_MARKER}\n` : old.slice(notesAt);
  const sections = new Map<number, string>();
  for (const match of old.matchAll(/<!-- bench: (\d+) lines -->[\s\S]*?<!-- \/bench -->/g)) {
    sections.set(Number(match[1]), match[0]);
  }
  sections.set(lines, section);
  const ordered = [...sections].sort(([a], [b]) => b - a).map(([, text]) => text);
  const text = [HEADER, ...ordered, notes].join("\n");
  const config = (await resolveConfig(path)) ?? {};
  writeFileSync(path, await format(text, { ...config, filepath: path }));
}
