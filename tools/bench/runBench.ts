// `npm run bench -- --lines <n>`: the offline engine against DuckDB and the read floor (see BENCH_USAGE).
import { fileURLToPath } from "node:url";

import { version as duckDbVersion } from "@duckdb/node-api";

import { listIisFiles } from "../../lib/readers/iis/listIisFiles.js";
import { BENCH_USAGE, parseBenchArgs } from "./benchArgs.js";
import { checkPreciseTruth } from "./checkPreciseTruth.js";
import { compatRowsOfCli, digestRows } from "./compatRows.js";
import { describeLoad, describeMachine } from "./describeMachine.js";
import { ensureDataSet, ensureOneFile } from "./ensureDataSet.js";
import { checkTargets, formatSection, formatTable, updateResultsFile } from "./formatResults.js";
import { type ChildRun, runChild } from "./runChild.js";
import { summarizeRuns } from "./summarizeRuns.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url)); // dist/tools/bench/ → the package root
const log = (text: string) => process.stderr.write(`${text}\n`);

const args = parseBenchArgs(process.argv.slice(2));
if (args === "help") {
  process.stdout.write(`${BENCH_USAGE}\n`);
  process.exit(0);
}
const data = ensureDataSet(`${ROOT}tools/bench/.cache`, args.profile, args.lines, args.seed, log);
const iis = args.oneFile ? await ensureOneFile(data, log) : data.iis;
const cli = ["--alerts", data.alerts, "--iis", iis, "--format", "jsonl"];
const tasks: Record<string, () => Promise<ChildRun>> = {
  // The command as it runs by default (one thread per core, up to 4), and on one thread.
  compat: () => runChild("cli", [...cli, "--mode", "compat"]),
  precise: () => runChild("cli", [...cli, "--mode", "precise"]),
  "compat-one": () => runChild("cli", [...cli, "--mode", "compat", "--threads", "1"]),
  "precise-one": () => runChild("cli", [...cli, "--mode", "precise", "--threads", "1"]),
  // DuckDB reads the files as generated even with --one-file: its reading takes one layout per file (from its first
  // `#Fields`), and the joined file changes layout where each host's file began, which it would read wrongly.
  duckdb: () => runChild("duckdb", [data.alerts, data.iis]),
  floor: () => runChild("floor", [iis]),
};
const names = Object.keys(tasks);

// An untimed read first: the files come from the page cache for every contender alike.
const warm = await tasks.floor!();
const size = { lines: warm.lines ?? 0, bytes: warm.bytes ?? 0 };
const loadBefore = describeLoad();
log(`data: ${size.lines} lines, ${(size.bytes / 1e9).toFixed(2)} GB; load ${loadBefore}`);
const runs = new Map<string, ChildRun[]>(names.map((name) => [name, []]));
/** Each run's output, as what the checks compare: compat rows as a digest, precise as agreement with the truth. */
const compatDigests: string[] = [];
const duckDigests: string[] = [];
const truths: ReturnType<typeof checkPreciseTruth>[] = [];
let compatRows = 0;
for (let round = 0; round < args.runs; round++) {
  // Alternate, and start each round with the next contender, so that no one always runs first or after another.
  for (const name of [...names.slice(round % names.length), ...names.slice(0, round % names.length)]) {
    const run = await tasks[name]!();
    log(
      `round ${round + 1}: ${name} ${(run.wallMs / 1000).toFixed(2)} s, ${(run.maxRssKiB / 1024).toFixed(0)} MiB` +
        ` (load ${describeLoad()})`,
    );
    if (name.startsWith("compat")) {
      const rows = digestRows(compatRowsOfCli(run.stdout));
      compatDigests.push(rows.digest);
      compatRows = rows.rows;
    } else if (name.startsWith("precise")) truths.push(checkPreciseTruth(data.dir, run.stdout));
    else if (run.rows !== undefined) duckDigests.push(run.rows.digest);
    // Compat's output can run to 100 MB a run: keep only what the checks need.
    runs.get(name)!.push({ ...run, stdout: "" });
  }
}
const loadAfter = describeLoad();
const stemCost = await runChild("stem-cost", ["250000", "300000", "1000000", "1100000"], ["--expose-gc"]);

const checks: string[] = [];
let ok = true;
const check = (passed: boolean, text: string) => {
  ok &&= passed;
  checks.push(`${passed ? "ok" : "**FAILED**"}: ${text}`);
};
check(
  [...compatDigests, ...duckDigests].every((digest) => digest === duckDigests[0]),
  `the CLI's compat output (both ways) equals the DuckDB reference's, in every run (${compatRows} rows; compared as ` +
    "sets of ShellLocation, ProcessCommandLine, HostName, AttackerIP, timestamp, Sites, Attacker, PageDistinctIPs)",
);
check(
  truths.every((t) => t.same),
  `the CLI's precise output (both ways) is the generator's ground truth (truth.json), in every run ` +
    `(${truths[0]!.records} records, ${truths[0]!.findings} findings)`,
);
check(
  runs.get("floor")!.every((run) => run.lines === size.lines && run.bytes === size.bytes),
  "every floor run read the same lines and bytes",
);

const summaries = summarizeRuns(runs, size);
process.stdout.write(`${formatTable(summaries)}\n\n${[...checks, ...checkTargets(summaries)].join("\n")}\n`);
const section = formatSection({
  profile: args.profile,
  oneFile: args.oneFile,
  stemCosts: stemCost.stemCosts ?? [],
  lines: args.lines,
  bytes: size.bytes,
  files: (await listIisFiles(iis)).length,
  seed: args.seed,
  date: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
  machine: describeMachine([`DuckDB ${duckDbVersion()}`]),
  loadBefore,
  loadAfter,
  summaries,
  checks,
  command:
    `npm run bench -- --profile ${args.profile} --lines ${args.lines}${args.oneFile ? " --one-file" : ""} ` +
    `--runs ${args.runs} --seed ${args.seed}`,
});
await updateResultsFile(
  args.resultsPath.startsWith("/") ? args.resultsPath : `${ROOT}${args.resultsPath}`,
  { profile: args.profile, lines: args.lines, oneFile: args.oneFile },
  section,
);
log(`wrote ${args.resultsPath}`);
process.exitCode = ok ? 0 : 1;
