import { existsSync, readFileSync, writeFileSync } from "node:fs";

import { format, resolveConfig } from "prettier";

import type { BenchProfile } from "./ensureDataSet.js";
import type { StemCost } from "./measureStemCost.js";
import type { Summary } from "./summarizeRuns.js";

/** The targets, checked on every run of either profile (they are meant for the 10M-line sets). */
export const TARGETS = {
  compatVsDuckDb: 0.6,
  preciseVsDuckDb: 0.7,
  peakRssMiB: 300,
  vsFloor: 7,
} as const;

/** Everything a results section says. */
export interface BenchReport extends SectionKey {
  /** Memory held per distinct script page (measured in the same benchmark run). */
  stemCosts: readonly StemCost[];
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
  compat: "CLI `--mode compat` (default threads)",
  precise: "CLI `--mode precise` (default threads)",
  "compat-one": "CLI `--mode compat --threads 1`",
  "precise-one": "CLI `--mode precise --threads 1`",
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
    ["", "the CLI (default threads)"],
    ["-one", "with --threads 1"],
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
  }
  return lines;
}

/** One profile and size's section of RESULTS.md. */
export function formatSection(report: BenchReport): string {
  const gb = (report.bytes / 1e9).toFixed(2);
  return [
    `${startMarker(report)}`,
    `## ${PROFILE_TITLES[report.profile]}, ${report.lines.toLocaleString("en-US")} lines${report.oneFile ? " in one file" : ""} (${gb} GB in ${report.files} file${report.files === 1 ? "" : "s"}, seed ${report.seed})`,
    "",
    `Run ${report.date} with \`${report.command}\`, ${report.summaries[0]?.runs ?? 0} alternating runs of each, ` +
      `each in its own process (wall time from spawn to exit, Node start-up included).`,
    "",
    `Machine: ${report.machine}. Load average (1/5/15 min) before: ${report.loadBefore}, after: ${report.loadAfter}.`,
    "",
    formatTable(report.summaries),
    "",
    `Memory held per distinct script page (JavaScript heap and array buffers, read through the offline path): ` +
      report.stemCosts
        .map(
          (cost) =>
            `${cost.mode} ${cost.bytesPerStem.toFixed(0)} bytes at ${cost.stems.toLocaleString("en-US")} ` +
            `(${cost.pageBytes}-byte pages, ${cost.client === "ipv4" ? "IPv4" : "IPv6"} clients)`,
        )
        .join(", ") +
      ".",
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

const PROFILE_TITLES: Record<BenchProfile, string> = {
  project: "Project profile",
  "high-cardinality": "High-cardinality profile",
  "long-pages": "Long-pages profile",
  "ipv6-non-latin": "IPv6 and non-Latin profile",
};

const HEADER = `# Benchmark results

Written by \`npm run bench -- --profile <p> --lines <n>\` (see \`tools/bench/runBench.ts\`): each profile and
data-set size keeps its own section, replaced when it is run again. The notes at the end are kept as they are.
`;
const NOTES_MARKER = "<!-- notes: kept across runs -->";
const END_MARKER = "<!-- /bench -->";
const startMarker = (at: SectionKey) =>
  `<!-- bench: ${at.profile} ${at.lines} lines${at.oneFile ? " one-file" : ""} -->`;

/** What a section is about. */
export interface SectionKey {
  profile: BenchProfile;
  lines: number;
  /** The logs joined into one file. */
  oneFile: boolean;
}

/**
 * Writes the section into the results file: replaces that profile and size's section, keeps the others (project
 * profile first, larger sizes first) and the notes, and formats the whole as the repository's Prettier settings want
 * it (the file is committed).
 */
export async function updateResultsFile(path: string, at: SectionKey, section: string): Promise<void> {
  const old = existsSync(path) ? readFileSync(path, "utf8") : "";
  const notesAt = old.indexOf(NOTES_MARKER);
  const notes = notesAt === -1 ? `${NOTES_MARKER}\n` : old.slice(notesAt);
  const sections = new Map<string, { key: SectionKey; text: string }>();
  const marker = /<!-- bench: (?:([a-z0-9-]+) )?(\d+) lines( one-file)? -->[\s\S]*?<!-- \/bench -->/g;
  for (const match of old.matchAll(marker)) {
    // Sections written before profiles existed are the project's.
    const key = {
      profile: (match[1] ?? "project") as BenchProfile,
      lines: Number(match[2]),
      oneFile: !!match[3],
    };
    sections.set(startMarker(key), { key, text: match[0] });
  }
  sections.set(startMarker(at), { key: at, text: section });
  const ordered = [...sections.values()]
    .sort(
      (a, b) =>
        Number(a.key.profile !== "project") - Number(b.key.profile !== "project") ||
        Number(a.key.oneFile) - Number(b.key.oneFile) ||
        b.key.lines - a.key.lines,
    )
    .map(({ text }) => text);
  const text = [HEADER, ...ordered, notes].join("\n");
  const config = (await resolveConfig(path)) ?? {};
  writeFileSync(path, await format(text, { ...config, filepath: path }));
}
