import { createHash } from "node:crypto";
import { once } from "node:events";
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { listIisFiles } from "../../lib/readers/iis/listIisFiles.js";
import { generateDataSet } from "../generate/generateDataSet.js";
import { DEFAULT_GENERATE_OPTIONS, type GenerateOptions } from "../generate/GenerateOptions.js";

/** The traffic the benchmark runs on. */
export type BenchProfile = "project" | "high-cardinality" | "long-pages" | "ipv6-non-latin";
export const BENCH_PROFILES: readonly BenchProfile[] = [
  "project",
  "high-cardinality",
  "long-pages",
  "ipv6-non-latin",
];

/**
 * The generator options of each profile beyond size and seed. `project`: the project's own traffic (about 40 %
 * script pages, a catalogue-like long tail, ~180 alerts at 10M lines). `high-cardinality`: sites with ids in their
 * URLs (about 45 % script pages, 100,000 distinct script pages per million lines) and 400 more legacy-shaped alerts
 * numbered from 1, so that compat's cross-alert join (B2) multiplies; over a week, where the alerts find room.
 * `long-pages`: a long tail of long pages (about 110 bytes, capitalised folders before an id path), 200,000 distinct
 * per million lines, and no extra alerts: where the page table is largest and compat's output is small.
 * `ipv6-non-latin`: the high-cardinality long tail (without its extra alerts) where half the pages are under a folder
 * in another script (not ASCII, with capitals) and three browser requests in four come over IPv6, each from a new
 * temporary address: a distinct client text on nearly every request of a rare page.
 */
const PROFILE_OPTIONS: Record<BenchProfile, Partial<GenerateOptions>> = {
  project: {},
  "high-cardinality": {
    days: 7,
    scriptStemsPerMillion: 100_000,
    scriptShare: 0.45,
    legacyAlerts: 400,
    entityIdsFrom: 1,
  },
  "long-pages": {
    days: 7,
    scriptStemsPerMillion: 200_000,
    scriptShare: 0.45,
    pageDepth: 6,
  },
  "ipv6-non-latin": {
    days: 7,
    scriptStemsPerMillion: 100_000,
    scriptShare: 0.45,
    nonLatinShare: 0.5,
    ipv6Share: 0.75,
  },
};

/** A generated data set on disk. */
export interface DataSet {
  dir: string;
  alerts: string;
  iis: string;
  options: GenerateOptions;
}

const DONE = ".complete";

/**
 * The data set for these options, generated with the project's generator the first time and reused after: the
 * generator is a pure function of its options and code, so a finished folder (marked by `.complete` holding the
 * options and a digest of the generator's code) is the same bytes it would write again. An unfinished folder (an
 * interrupted run), or one an earlier generator wrote, is generated anew: a stale ground truth once failed a
 * correct run.
 */
export function ensureDataSet(
  cacheDir: string,
  profile: BenchProfile,
  lines: number,
  seed: number,
  log: (text: string) => void,
): DataSet {
  const options: GenerateOptions = { ...DEFAULT_GENERATE_OPTIONS, ...PROFILE_OPTIONS[profile], lines, seed };
  const dir = join(cacheDir, `data-${profile === "project" ? "" : `${profile}-`}${lines}-seed${seed}`);
  const marker = join(dir, DONE);
  const wanted = JSON.stringify({ ...options, generator: generatorDigest() });
  if (!existsSync(marker) || readFileSync(marker, "utf8") !== wanted) {
    log(`generating ${lines} lines (${profile} profile, seed ${seed}) into ${dir} …`);
    rmSync(dir, { recursive: true, force: true });
    const started = performance.now();
    const result = generateDataSet(dir, options);
    writeFileSync(marker, wanted);
    log(`generated ${result.iisLines} lines in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  return { dir, alerts: join(dir, "alerts.json"), iis: join(dir, "iis"), options };
}

/** SHA-256 over the generator's modules as they run (its folder beside this one), in name order. */
function generatorDigest(): string {
  const dir = fileURLToPath(new URL("../generate/", import.meta.url));
  const hash = createHash("sha256");
  for (const name of readdirSync(dir)
    .filter((file) => /\.[cm]?[jt]s$/.test(file))
    .sort())
    hash
      .update(name)
      .update("\0")
      .update(readFileSync(join(dir, name)))
      .update("\0");
  return hash.digest("hex").slice(0, 16);
}

/**
 * The data set's logs joined into one file, in the order the command lists them, as a responder who was handed one
 * big log (or joined a server's days with `cat`) reads them: made once beside the data set's `iis/` (the joined
 * file is `one-file/u_ex_joined.log`; a folder without `.complete` is an interrupted join and is made again). Every
 * file keeps its headers, so the `#Fields` change where each file began. Returns the folder to pass as `--iis`.
 */
export async function ensureOneFile(data: DataSet, log: (text: string) => void): Promise<string> {
  const dir = join(data.dir, "one-file");
  const marker = join(dir, DONE);
  if (existsSync(marker)) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  const files = await listIisFiles(data.iis);
  log(`joining ${files.length} logs into ${dir} …`);
  const out = createWriteStream(join(dir, "u_ex_joined.log"));
  for (const file of files) {
    for await (const chunk of createReadStream(file.path)) if (!out.write(chunk)) await once(out, "drain");
  }
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
  writeFileSync(marker, `${files.length} files\n`);
  return dir;
}
