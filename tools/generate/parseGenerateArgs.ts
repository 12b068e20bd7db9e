import { parseArgs } from "node:util";

import { UsageError } from "../../lib/core/errors.js";
import { formatTimestamp, parseTimestamp } from "../../lib/core/model/parseTimestamp.js";
import {
  DEFAULT_GENERATE_OPTIONS,
  type GenerateOptions,
  MAX_DAYS,
  MAX_LEGACY_ALERTS,
  MAX_LINES,
  MAX_STEMS_PER_MILLION,
  MIN_LINES,
} from "./GenerateOptions.js";
import { MAX_PAGE_DEPTH } from "./pageCatalog.js";

/** The generator's command line, for `--help` and for usage errors. */
export const GENERATE_USAGE = `Usage: npm run generate -- --out <dir> [options]

Writes a seeded, realistic web-shell data set: <dir>/alerts.json (SecurityAlert rows),
<dir>/DeviceProcessEvents.csv (an Advanced Hunting export), <dir>/iis/<host>/u_exYYMMDD.log (IIS W3C logs),
<dir>/truth.json (ground truth) and <dir>/README.md.

Options:
  --out <dir>      output folder (required)
  --seed <n>       seed of every random choice, a non-negative integer (default ${DEFAULT_GENERATE_OPTIONS.seed})
  --lines <n>      approximate total IIS log lines, ${MIN_LINES}..${MAX_LINES} (default ${DEFAULT_GENERATE_OPTIONS.lines})
  --start <ISO>    start of the data, UTC, a whole minute (default ${formatTimestamp(DEFAULT_GENERATE_OPTIONS.start)})
  --days <n>       days of traffic, 1..${MAX_DAYS} (default ${DEFAULT_GENERATE_OPTIONS.days})
  --help           print this text

Traffic profile (unset: the project's own profile, as the bundled sample):
  --script-stems <n>       distinct long-tail script pages per million lines, ids in their paths
                           (/portal/orders/918273/view.aspx), 1..${MAX_STEMS_PER_MILLION}
  --script-share <x>       share of requests that are script pages, 0.05..0.95 (default about 0.40)
  --page-depth <n>         folders before each id-path page, 1..${MAX_PAGE_DEPTH}, about 10 bytes each (with --script-stems)
  --non-latin-share <x>    share of id-path pages under a folder in another script (/Документы/…), 0.05..0.95
  --ipv6-share <x>         share of browser requests over IPv6, 0.05..0.95, each from a new temporary address
  --legacy-alerts <n>      legacy-shaped shell alerts beyond the scenarios', 1..${MAX_LEGACY_ALERTS} (each a request on
                           WEB01 or WEB02 that the original query can read)
  --entity-ids-from <1|2>  first $id of each alert's entities (default 2, as Defender; exports start at 1)

High-cardinality profile, as sites with ids in their URLs: --script-stems 100000 --script-share 0.45
--legacy-alerts 400 --entity-ids-from 1 --days 7`;

/** A parsed command line: either a request for help or a complete, validated run. */
export type GenerateCommand = { help: true } | { help: false; out: string; options: GenerateOptions };

/**
 * Parses and validates the generator's arguments up front, collecting every problem into one message.
 *
 * @throws UsageError naming each bad option and what it expected.
 * @example parseGenerateArgs(["--out", "data/sample", "--seed", "7"])
 */
export function parseGenerateArgs(args: readonly string[]): GenerateCommand {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        out: { type: "string" },
        seed: { type: "string" },
        lines: { type: "string" },
        start: { type: "string" },
        days: { type: "string" },
        "script-stems": { type: "string" },
        "script-share": { type: "string" },
        "page-depth": { type: "string" },
        "non-latin-share": { type: "string" },
        "ipv6-share": { type: "string" },
        "legacy-alerts": { type: "string" },
        "entity-ids-from": { type: "string" },
        help: { type: "boolean" },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help === true) return { help: true };

  const problems: string[] = [];
  const text = (name: string) => (typeof values[name] === "string" ? values[name] : undefined);
  const out = text("out");
  if (out === undefined || out.trim() === "") problems.push("--out <dir> is required");
  const options: GenerateOptions = {
    seed: readInteger(
      text("seed"),
      "--seed",
      DEFAULT_GENERATE_OPTIONS.seed,
      0,
      Number.MAX_SAFE_INTEGER,
      problems,
    ),
    lines: readInteger(
      text("lines"),
      "--lines",
      DEFAULT_GENERATE_OPTIONS.lines,
      MIN_LINES,
      MAX_LINES,
      problems,
    ),
    start: readStart(text("start"), problems),
    days: readInteger(text("days"), "--days", DEFAULT_GENERATE_OPTIONS.days, 1, MAX_DAYS, problems),
  };
  const stems = text("script-stems");
  if (stems !== undefined)
    options.scriptStemsPerMillion = readInteger(
      stems,
      "--script-stems",
      0,
      1,
      MAX_STEMS_PER_MILLION,
      problems,
    );
  const depth = text("page-depth");
  if (depth !== undefined)
    options.pageDepth = readInteger(depth, "--page-depth", 0, 1, MAX_PAGE_DEPTH, problems);
  const share = text("script-share");
  if (share !== undefined) options.scriptShare = readShare(share, "--script-share", problems);
  const nonLatin = text("non-latin-share");
  if (nonLatin !== undefined) options.nonLatinShare = readShare(nonLatin, "--non-latin-share", problems);
  const ipv6 = text("ipv6-share");
  if (ipv6 !== undefined) options.ipv6Share = readShare(ipv6, "--ipv6-share", problems);
  const legacy = text("legacy-alerts");
  if (legacy !== undefined)
    options.legacyAlerts = readInteger(legacy, "--legacy-alerts", 0, 1, MAX_LEGACY_ALERTS, problems);
  const idsFrom = text("entity-ids-from");
  if (idsFrom !== undefined) {
    if (idsFrom === "1" || idsFrom === "2") options.entityIdsFrom = Number(idsFrom) as 1 | 2;
    else problems.push(`--entity-ids-from expects 1 or 2, got "${idsFrom}"`);
  }
  // Both shape the id-path pages, which only --script-stems makes: alone they would change nothing, silently.
  for (const [value, flag] of [
    [depth, "--page-depth"],
    [nonLatin, "--non-latin-share"],
  ] as const) {
    if (value !== undefined && stems === undefined)
      problems.push(`${flag} needs --script-stems (it shapes its pages)`);
  }
  if (problems.length > 0 || out === undefined) throw new UsageError(problems.join("; "));
  return { help: false, out, options };
}

function readInteger(
  raw: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
): number {
  if (raw === undefined) return fallback;
  const value = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    problems.push(`${name} expects an integer in ${min}..${max}, got "${raw}"`);
    return fallback;
  }
  return value;
}

function readShare(raw: string, name: string, problems: string[]): number {
  const value = /^0?\.\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!(value >= 0.05 && value <= 0.95)) {
    problems.push(`${name} expects a fraction in 0.05..0.95, got "${raw}"`);
    return 0.4;
  }
  return value;
}

function readStart(raw: string | undefined, problems: string[]): number {
  if (raw === undefined) return DEFAULT_GENERATE_OPTIONS.start;
  const value = parseTimestamp(raw);
  if (value === undefined || value % 60_000 !== 0) {
    problems.push(
      `--start expects an ISO 8601 UTC time on a whole minute (e.g. 2026-11-20T00:00:00Z), got "${raw}"`,
    );
    return DEFAULT_GENERATE_OPTIONS.start;
  }
  return value;
}
