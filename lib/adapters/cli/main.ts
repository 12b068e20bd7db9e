import { once } from "node:events";
import { open } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import type { Writable } from "node:stream";

import { SingleBar } from "cli-progress";

import { Diagnostics } from "../../core/Diagnostics.js";
import { InputError, isEnrichmentError, OutputError, UsageError } from "../../core/errors.js";
import { DEFAULT_ENGINE_OPTIONS } from "../../core/model/EngineOptions.js";
import type { EnrichmentRecord } from "../../core/records/EnrichmentRecord.js";
import { runOffline } from "../../job/runOffline.js";
import { formatSummary } from "./formatSummary.js";
import { createRecordFormatter, type RecordFormatter } from "./output/formatRecords.js";
import { writeHtmlReport } from "./output/html/writeHtmlReport.js";
import { countSource, writeRecords, type WrittenRecords } from "./output/writeRecords.js";
import { type CliOptions, parseCliArgs, USAGE } from "./parseCliArgs.js";
import type { runWorkspace } from "./runWorkspace.js";

/** Exit codes other tooling relies on. */
export const EXIT = { ok: 0, internal: 1, usage: 2 } as const;

// Inputs smaller than this finish before a progress bar would be worth drawing.
const PROGRESS_MIN_BYTES = 64 * 1024 * 1024;

/** The enrich command: parses arguments, runs the job on files, prints records and a summary; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const started = performance.now();
  let cli;
  try {
    cli = parseCliArgs(argv);
  } catch (error) {
    const message = usageMessage(error);
    if (message === undefined) throw error;
    process.stderr.write(`error: ${message}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  if (cli.help) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  const diagnostics = new Diagnostics();
  const bar = process.stderr.isTTY
    ? new SingleBar({ format: "reading IIS logs [{bar}] {percentage}% {eta}s" })
    : undefined;
  let barStarted = false;
  try {
    // Opened first, so that an unwritable --out is said before a long run rather than after it.
    const out = cli.out === undefined ? undefined : await openOutput(cli.out);
    const engine = {
      ...DEFAULT_ENGINE_OPTIONS,
      mode: cli.mode,
      ...(cli.benignChildren === undefined ? {} : { benignChildren: cli.benignChildren }),
      ...(cli.processSources === undefined ? {} : { processSources: cli.processSources }),
    };
    const now = () => Date.now();
    const result =
      cli.workspace !== undefined && cli.range !== undefined
        ? // Loaded only for --workspace: the Azure SDKs cost ~0.5 s of start-up that offline runs need not pay.
          await (
            await import("./runWorkspace.js")
          ).runWorkspace(
            { workspace: cli.workspace, endpoint: cli.endpoint, range: cli.range },
            engine,
            diagnostics,
            now,
          )
        : await runOffline(
            cli,
            engine,
            diagnostics,
            now,
            (read, total) => {
              if (bar === undefined || total < PROGRESS_MIN_BYTES) return;
              if (!barStarted) bar.start(total, 0);
              barStarted = true;
              bar.update(read);
            },
            cli.threads === undefined ? undefined : cli.threads - 1,
          );
    if (barStarted) bar?.stop();
    const format = cli.format ?? (cli.out === undefined && process.stdout.isTTY ? "table" : "jsonl");
    const output =
      format === "html"
        ? // parseCliArgs requires --out for html.
          await writeReport(result, out!, {
            diagnostics,
            cli,
            evidenceCap: engine.evidenceCap,
            generatedAt: now(),
          })
        : await writeOutput(
            result.records,
            createRecordFormatter(format, process.stdout.columns ?? 160),
            out,
            cli,
          );
    if (output.cut)
      diagnostics.warn(`output stopped at --max-records ${cli.maxRecords}: more records followed`);
    process.stderr.write(formatSummary(result, output, diagnostics, cli.mode, performance.now() - started));
    if (cli.strict && diagnostics.totalSkipped > 0) {
      process.stderr.write(
        `error: ${diagnostics.totalSkipped} input row(s) skipped and --strict was given\n`,
      );
      return EXIT.usage;
    }
    return EXIT.ok;
  } catch (error) {
    if (barStarted) bar?.stop();
    // Inputs that cannot be read (files, or a workspace that refused or failed the query), an unwritable output.
    if (error instanceof InputError || isEnrichmentError(error) || isCredentialError(error)) {
      process.stderr.write(`error: ${error.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(
      `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return EXIT.internal;
  }
}

/**
 * Writes the HTML report to the --out file. A report groups the findings per shell, so it holds the run's records
 * (at most `--max-records` of them), not their text: the page itself is written as it is made.
 */
async function writeReport(
  result: Awaited<ReturnType<typeof runOffline>> | Awaited<ReturnType<typeof runWorkspace>>,
  out: Writable,
  options: { diagnostics: Diagnostics; cli: CliOptions; evidenceCap: number; generatedAt: number },
): Promise<WrittenRecords> {
  const { cli } = options;
  const records: EnrichmentRecord[] = [];
  let cut = false;
  for (const record of result.records) {
    if (records.length === cli.maxRecords) {
      cut = true;
      break;
    }
    records.push(record);
  }
  try {
    await writeHtmlReport(out, records, {
      ...result,
      diagnostics: options.diagnostics,
      mode: cli.mode,
      range: cli.range,
      evidenceCap: options.evidenceCap,
      generatedAt: options.generatedAt,
    });
  } catch (error) {
    if (!(error instanceof Error) || !("syscall" in error)) throw error;
    throw new OutputError(cli.out ?? "", error.message, { cause: error });
  }
  const bySource = new Map<string, number>();
  for (const record of records) countSource(bySource, record);
  return { written: records.length, cut, bySource };
}

/** The --out file, created or emptied, as a stream. */
async function openOutput(path: string): Promise<Writable> {
  try {
    return (await open(path, "w")).createWriteStream();
  } catch (error) {
    throw new OutputError(path, error instanceof Error ? error.message : String(error), { cause: error });
  }
}

/**
 * Writes the records to the --out file (closed after) or to standard output. A reader of standard output that goes
 * away (`| head`) ends the output, not the run: the summary still follows.
 */
async function writeOutput(
  records: Iterable<EnrichmentRecord>,
  formatter: RecordFormatter,
  out: Writable | undefined,
  cli: Pick<CliOptions, "out" | "maxRecords">,
): Promise<WrittenRecords> {
  if (out === undefined) {
    ignoreClosedPipe();
    const tally: WrittenRecords = { written: 0, cut: false, bySource: new Map() };
    try {
      return await writeRecords(records, formatter, process.stdout, cli.maxRecords, tally);
    } catch (error) {
      if (isClosedPipe(error)) return { ...tally, closed: true };
      throw error;
    }
  }
  try {
    const written = await writeRecords(records, formatter, out, cli.maxRecords);
    out.end();
    await once(out, "finish");
    return written;
  } catch (error) {
    if (!(error instanceof Error) || !("syscall" in error)) throw error;
    throw new OutputError(cli.out ?? "", error.message, { cause: error });
  }
}

let pipeGuarded = false;

/** A closed standard output fails writes later with EPIPE, as an event: that is the reader's choice, not a bug. */
function ignoreClosedPipe(): void {
  if (pipeGuarded) return;
  pipeGuarded = true;
  process.stdout.on("error", (error) => {
    if (!isClosedPipe(error)) throw error;
  });
}

function isClosedPipe(error: unknown): boolean {
  return error instanceof Error && "code" in error && error.code === "EPIPE";
}

/** The message of a usage problem, or `undefined` when the error is something else. */
function usageMessage(error: unknown): string | undefined {
  if (error instanceof UsageError) return error.message;
  // node:util parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for unknown or malformed options.
  if (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS")) {
    return error.message;
  }
  return undefined;
}

/** `@azure/identity` failures (no login, no managed identity) are the user's environment, not a bug. */
function isCredentialError(error: unknown): error is Error {
  return (
    error instanceof Error &&
    /CredentialUnavailableError|AuthenticationError|AggregateAuthenticationError/.test(error.name)
  );
}
