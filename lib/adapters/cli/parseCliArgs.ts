import { parseArgs } from "node:util";

import { UsageError } from "../../core/errors.js";
import {
  MATCH_MODES,
  type MatchMode,
  PROCESS_SOURCE_SETTINGS,
  type ProcessSourceSetting,
  type TimeRange,
} from "../../core/model/EngineOptions.js";
import { parseTimestamp } from "../../core/model/parseTimestamp.js";
import { parseBenignChildren, parseProcessSources } from "../../job/config/parseConfig.js";

const DEFAULT_ENDPOINT = "https://api.loganalytics.io/v1";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const OUTPUT_FORMATS = ["table", "jsonl", "json", "csv", "html"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface CliOptions {
  /** Log Analytics workspace id: read SecurityAlert and W3CIISLog from it instead of files. */
  workspace: string | undefined;
  /** Log Analytics query endpoint (with /v1) for --workspace. */
  endpoint: string;
  alerts: string[];
  /** DeviceProcessEvents exports (precise mode). */
  processes: string[];
  /** `--benign-children`: images left out of DeviceProcessEvents; `undefined` for the default list. */
  benignChildren: string[] | undefined;
  /** `--process-sources` with `--workspace`; `undefined` for the default (alerts). */
  processSources: ProcessSourceSetting[] | undefined;
  /** IIS inputs in order, each with the `--iis-host` that was in force when it was named. */
  iis: { path: string; defaultHost?: string }[];
  mode: MatchMode;
  range: TimeRange | undefined;
  /** `undefined`: a table on a terminal, JSONL otherwise. */
  format: OutputFormat | undefined;
  out: string | undefined;
  /** Most records written (`--max-records`); the run stops making them there. */
  maxRecords: number | undefined;
  /** Threads that read IIS files (`--threads`); `undefined`: as many as suit the machine (`defaultWorkers`). */
  threads: number | undefined;
  strict: boolean;
  help: boolean;
}

export const USAGE = `Usage: webshell-enrich --alerts <file> [--processes <file>] --iis <file-or-folder> [--iis …]
       [--mode precise|compat] [--from <ISO>] [--to <ISO>] [--format table|jsonl|json|csv|html] [--out <file>]
       [--iis-host <name>] [--benign-children <images>] [--max-records <n>] [--threads <n>] [--strict]
   or: webshell-enrich --workspace <id> --from <ISO> --to <ISO> [--endpoint <url>]
       [--process-sources alerts,deviceprocessevents] [--mode …] [--format …]

  (in this package's folder: npx webshell-enrich …, or npm run --silent enrich -- …)

  --alerts <file>      SecurityAlert export (JSON array, JSONL, CSV, Log Analytics response); repeatable
  --processes <file>   DeviceProcessEvents export (Advanced Hunting CSV or JSON, Log Analytics JSON, JSONL or
                       CSV), for the commands that raised no alert (precise); repeatable; --alerts is then optional
  --benign-children <images>
                       images IIS starts itself, left out of DeviceProcessEvents (default
                       conhost.exe,csc.exe,vbc.exe,cvtres.exe,WerFault.exe; "" or none for no list)
  --iis <path>         IIS W3C log file or folder (recursive, .gz too) or W3CIISLog export; repeatable
  --iis-host <name>    host name for the --iis paths after it whose logs have no s-computername
  --mode <mode>        precise (default: the query's defects fixed) or compat (the original query's output)
  --from, --to <ISO>   time range (default: the whole input)
  --format <format>    table (default on a terminal), jsonl (default otherwise), json, csv, or html (a report
                       to read, print or hand over: one self-contained page; needs --out)
  --out <file>         write the records to a file instead of standard output
  --max-records <n>    write at most n records (compat's cross-alert join can multiply them: see README)
  --threads <n>        read IIS files on n threads, from 64 MiB of logs in 2 files or more or 768 MiB in one
                       (default: one per core, up to 4); each thread holds its own baseline
  --strict             exit with code 2 if any input row was skipped
  --workspace <id>     query a Log Analytics workspace (credentials from the environment: Azure CLI login,
                       managed identity or AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET); needs --from/--to
  --endpoint <url>     Log Analytics query endpoint (default ${DEFAULT_ENDPOINT})
  --process-sources <list>
                       with --workspace: alerts (default), deviceprocessevents, or both, comma-separated

Exit codes: 0 done (with or without findings), 2 bad usage or unreadable input, 1 internal failure.`;

/**
 * Parses the enrich command line. `--iis-host` applies to the `--iis` paths named after it, so the options are
 * read in order from parseArgs' tokens. Every problem is collected and reported together.
 */
export function parseCliArgs(argv: readonly string[]): CliOptions {
  const { values, tokens } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    tokens: true,
    options: {
      alerts: { type: "string", multiple: true },
      processes: { type: "string", multiple: true },
      "benign-children": { type: "string" },
      "process-sources": { type: "string" },
      iis: { type: "string", multiple: true },
      "iis-host": { type: "string", multiple: true },
      mode: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      format: { type: "string" },
      out: { type: "string" },
      "max-records": { type: "string" },
      threads: { type: "string" },
      strict: { type: "boolean" },
      workspace: { type: "string" },
      endpoint: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const problems: string[] = [];
  const iis: CliOptions["iis"] = [];
  let host: string | undefined;
  for (const token of tokens) {
    if (token.kind !== "option" || token.value === undefined) continue;
    if (token.name === "iis-host") host = token.value.trim() === "" ? undefined : token.value.trim();
    if (token.name === "iis")
      iis.push(host === undefined ? { path: token.value } : { path: token.value, defaultHost: host });
  }
  const help = values.help === true;
  const workspace = values.workspace;
  if (workspace !== undefined) {
    if (!GUID.test(workspace))
      problems.push(`--workspace must be a workspace id (a GUID), got "${workspace}"`);
    if ((values.alerts ?? []).length > 0 || (values.processes ?? []).length > 0 || iis.length > 0)
      problems.push("--workspace replaces --alerts, --processes and --iis");
    if (values.from === undefined || values.to === undefined)
      problems.push("--workspace needs --from and --to");
    if (values.threads !== undefined)
      problems.push("--threads goes with files: the workspace reads its logs itself");
  } else if (!help) {
    if ((values.alerts ?? []).length === 0 && (values.processes ?? []).length === 0)
      problems.push("--alerts <file> is required (an alert export), or --processes <file> (precise)");
    else if ((values.alerts ?? []).length === 0 && values.mode === "compat")
      problems.push("--mode compat reproduces the alert-only query: it needs --alerts <file>");
    if (iis.length === 0)
      problems.push("--iis <file-or-folder> is required (IIS logs or a W3CIISLog export)");
    if (values["process-sources"] !== undefined)
      problems.push("--process-sources goes with --workspace; with files, --alerts and --processes say it");
  }
  const processSources =
    values["process-sources"] === undefined ? undefined : parseProcessSources(values["process-sources"]);
  if (values["process-sources"] !== undefined && processSources === undefined) {
    problems.push(
      `--process-sources must list ${PROCESS_SOURCE_SETTINGS.join(", ")}, got "${values["process-sources"]}"`,
    );
  }
  const benign = values["benign-children"];
  const benignChildren =
    benign === undefined ? undefined : benign.trim() === "" ? [] : parseBenignChildren(benign);
  if (benign !== undefined && benignChildren === undefined)
    problems.push(
      `--benign-children must be a comma-separated list of images, got ${JSON.stringify(benign)}`,
    );
  const endpoint = values.endpoint ?? DEFAULT_ENDPOINT;
  if (!/^https:\/\/\S+\/v1\/?$/.test(endpoint)) {
    problems.push(`--endpoint must be an https:// URL ending in /v1, got "${endpoint}"`);
  }

  const mode = values.mode ?? "precise";
  if (!isOneOf(mode, MATCH_MODES))
    problems.push(`--mode must be one of ${MATCH_MODES.join(", ")}, got "${mode}"`);
  const format = values.format;
  if (format !== undefined && !isOneOf(format, OUTPUT_FORMATS)) {
    problems.push(`--format must be one of ${OUTPUT_FORMATS.join(", ")}, got "${format}"`);
  }
  // A page is a file to open or hand over, not something to read on a terminal.
  if (format === "html" && values.out === undefined) problems.push("--format html needs --out <file>");
  const maxRecords = values["max-records"];
  if (maxRecords !== undefined && !/^[1-9]\d{0,14}$/.test(maxRecords))
    problems.push(`--max-records must be a whole number of at least 1, got "${maxRecords}"`);
  const threads = values.threads;
  if (threads !== undefined && !/^([1-9]|[1-5]\d|6[0-4])$/.test(threads))
    problems.push(`--threads must be a whole number from 1 to 64, got "${threads}"`);
  const from = readTime("--from", values.from, problems);
  const to = readTime("--to", values.to, problems);
  if (from !== undefined && to !== undefined && from >= to) problems.push("--from must be before --to");
  if (problems.length > 0) throw new UsageError(problems.join("\n"));

  return {
    workspace,
    endpoint: endpoint.replace(/\/$/, ""),
    alerts: values.alerts ?? [],
    processes: values.processes ?? [],
    benignChildren,
    processSources,
    iis,
    mode: mode as MatchMode,
    range:
      from === undefined && to === undefined
        ? undefined
        : { from: from ?? Number.NEGATIVE_INFINITY, to: to ?? Number.POSITIVE_INFINITY },
    format: format as OutputFormat | undefined,
    out: values.out,
    maxRecords: maxRecords === undefined ? undefined : Number(maxRecords),
    threads: threads === undefined ? undefined : Number(threads),
    strict: values.strict === true,
    help,
  };
}

function readTime(option: string, text: string | undefined, problems: string[]): number | undefined {
  if (text === undefined) return undefined;
  const time = parseTimestamp(text);
  if (time === undefined)
    problems.push(`${option} must be an ISO 8601 time such as 2026-11-20T00:00:00Z, got "${text}"`);
  return time;
}

function isOneOf<T extends string>(value: string, allowed: readonly T[]): value is T {
  return (allowed as readonly string[]).includes(value);
}
