import { parseArgs } from "node:util";

import { BENCH_PROFILES, type BenchProfile } from "./ensureDataSet.js";

/** What one benchmark run measures. */
export interface BenchArgs {
  /** The traffic of the generated data set. */
  profile: BenchProfile;
  /** Approximate IIS log lines of the generated data set. */
  lines: number;
  /** Generator seed: the same seed and size give the same bytes, so the data set is generated once. */
  seed: number;
  /** Read the data set's logs joined into one file (`ensureOneFile`), as a responder's one big log. */
  oneFile: boolean;
  /** Timed runs of each contender (their median is reported); at least 3. */
  runs: number;
  /** Where RESULTS.md is written. */
  resultsPath: string;
}

export const BENCH_USAGE = `Usage: npm run bench -- [--profile <p>] [--lines <n>] [--one-file] [--runs <n>] [--seed <n>] [--results <file>]

Generates (once, cached under tools/bench/.cache/) a seeded W3C data set of about <n> lines, then runs, alternating,
the CLI in compat and precise mode, the same compat correlation as DuckDB SQL, and a read-only floor, each in a
child process; checks that the CLI's compat output equals DuckDB's and that precise gives the generator's truth,
measures the memory held per distinct script page, and prints and records the medians.

  --profile <p>  project (default: the project's own traffic); high-cardinality (ids in paths, 100,000 distinct
                 script pages per million lines, 45 % script requests, 400 more legacy alerts numbered from 1);
                 long-pages (200,000 distinct pages of about 110 bytes per million lines); ipv6-non-latin (the
                 high-cardinality tail, half its pages in other scripts, most browsers on temporary IPv6 addresses)
  --lines <n>    IIS log lines (default 1000000)
  --one-file     read the logs joined into one file (made once, beside the data set)
  --runs <n>     timed runs of each (default 3, at least 3)
  --seed <n>     generator seed (default 1)
  --results <f>  file to write (default tools/bench/RESULTS.md); each profile and size keeps its own section`;

/** Parses the benchmark's arguments; throws a `RangeError` naming each bad one. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs | "help" {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      profile: { type: "string" },
      lines: { type: "string" },
      runs: { type: "string" },
      seed: { type: "string" },
      results: { type: "string" },
      "one-file": { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  if (values.help === true) return "help";
  const problems: string[] = [];
  const integer = (raw: string | undefined, name: string, fallback: number, min: number) => {
    if (raw === undefined) return fallback;
    const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min)
      problems.push(`--${name} expects an integer ≥ ${min}, got "${raw}"`);
    return value;
  };
  const profile = values.profile ?? "project";
  if (!(BENCH_PROFILES as readonly string[]).includes(profile))
    problems.push(`--profile expects one of ${BENCH_PROFILES.join(", ")}, got "${profile}"`);
  const args: BenchArgs = {
    profile: profile as BenchProfile,
    lines: integer(values.lines, "lines", 1_000_000, 500),
    oneFile: values["one-file"] === true,
    runs: integer(values.runs, "runs", 3, 3),
    seed: integer(values.seed, "seed", 1, 0),
    resultsPath: values.results ?? "tools/bench/RESULTS.md",
  };
  if (problems.length > 0) throw new RangeError(problems.join("; "));
  return args;
}
