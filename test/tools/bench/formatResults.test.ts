import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import type { BenchProfile } from "../../../tools/bench/ensureDataSet.js";
import { checkTargets, formatSection, updateResultsFile } from "../../../tools/bench/formatResults.js";
import type { ChildRun } from "../../../tools/bench/runChild.js";
import { summarizeRuns } from "../../../tools/bench/summarizeRuns.js";

const run = (wallMs: number, maxRssKiB = 100 * 1024): ChildRun => ({
  wallMs,
  maxRssKiB,
  exitCode: 0,
  stdout: "",
  stderr: "",
});

const summaries = summarizeRuns(
  new Map([
    ["compat", [run(5000), run(7000), run(6000)]],
    ["precise", [run(9000), run(8000), run(8500, 400 * 1024)]],
    ["compat-one", [run(5000), run(5000), run(5000)]],
    ["precise-one", [run(6000), run(6000), run(6000)]],
    ["duckdb", [run(10_000), run(12_000), run(9000)]],
    ["floor", [run(2000), run(2000), run(2000)]],
  ]),
  { lines: 10_000_000, bytes: 2_400_000_000 },
);

describe("benchmark results", () => {
  it("reports medians, rates, the highest peak and ratios to DuckDB and the floor", () => {
    expect(summaries[0]).toEqual({
      name: "compat",
      runs: 3,
      medianWallMs: 6000,
      mbPerSecond: 400,
      linesPerSecond: 10_000_000 / 6,
      peakRssMiB: 100,
      vsDuckDb: 0.6,
      vsFloor: 3,
    });
    expect(summaries[1]?.peakRssMiB).toBe(400);
  });

  it("says which targets are met", () => {
    expect(checkTargets(summaries)).toEqual([
      "the CLI (default threads): compat ≤ 0.6 × DuckDB: 0.60 — met",
      "the CLI (default threads): precise ≤ 0.7 × DuckDB: 0.85 — **not met**",
      "the CLI (default threads): peak RSS ≤ 300 MiB: 400 MiB — **not met**",
      "the CLI (default threads): ≤ 7 × the read floor: 4.25 — met",
      "with --threads 1: compat ≤ 0.6 × DuckDB: 0.50 — met",
      "with --threads 1: precise ≤ 0.7 × DuckDB: 0.60 — met",
      "with --threads 1: peak RSS ≤ 300 MiB: 100 MiB — met",
      "with --threads 1: ≤ 7 × the read floor: 3.00 — met",
    ]);
  });

  it("replaces a profile, size and layout's section and keeps the others and the notes", async () => {
    const dir = await mkdtemp(join(tmpdir(), "bench-results-"));
    const path = join(dir, "RESULTS.md");
    const key = (lines: number, profile: BenchProfile = "project", oneFile = false) => ({
      profile,
      lines,
      oneFile,
    });
    const section = (at: ReturnType<typeof key>, date: string) =>
      formatSection({
        ...at,
        stemCosts: [{ mode: "compat", client: "ipv4", pageBytes: 31, stems: 1000, bytesPerStem: 77.6 }],
        bytes: 1e9,
        files: at.oneFile ? 1 : 8,
        seed: 1,
        date,
        machine: "test machine",
        loadBefore: "0",
        loadAfter: "0",
        summaries,
        checks: ["ok: checked"],
        command: "npm run bench",
      });
    const update = (at: ReturnType<typeof key>, date: string) =>
      updateResultsFile(path, at, section(at, date));
    try {
      await update(key(1000), "first");
      const withNotes = (await readFile(path, "utf8")) + "My notes.\n";
      await writeFile(path, withNotes);
      await update(key(1000, "high-cardinality"), "fourth");
      await update(key(1000, "ipv6-non-latin"), "fifth"); // a digit in its name
      await update(key(1000, "ipv6-non-latin", true), "sixth");
      await update(key(5000), "second");
      await update(key(1000), "third");
      const text = await readFile(path, "utf8");
      expect(
        text.match(
          /## Project profile, 5,000 lines[\s\S]*## Project profile, 1,000 lines \([\s\S]*## High-cardinality/,
        ),
      ).not.toBeNull();
      expect(text).toContain(
        "## IPv6 and non-Latin profile, 1,000 lines in one file (1.00 GB in 1 file, seed 1)",
      );
      for (const kept of ["second", "third", "fourth", "fifth", "sixth"])
        expect(text).toContain(`Run ${kept}`);
      expect(text).not.toContain("Run first");
      expect(text).toContain("compat 78 bytes at 1,000 (31-byte pages, IPv4 clients)");
      expect(text.trimEnd().endsWith("My notes.")).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
