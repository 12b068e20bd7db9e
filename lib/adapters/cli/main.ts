import { createWriteStream } from "node:fs";
import { writeFile } from "node:fs/promises";
import { performance } from "node:perf_hooks";

import { SingleBar } from "cli-progress";

import { Diagnostics } from "../../core/Diagnostics.js";
import { InputError, isEnrichmentError, UsageError } from "../../core/errors.js";
import { DEFAULT_ENGINE_OPTIONS } from "../../core/model/EngineOptions.js";
import { runOffline } from "../../job/runOffline.js";
import { formatSummary } from "./formatSummary.js";
import { formatRecords } from "./output/formatRecords.js";
import { writeHtmlReport } from "./output/html/writeHtmlReport.js";
import { parseCliArgs, USAGE } from "./parseCliArgs.js";

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
        : await runOffline(cli, engine, diagnostics, now, (read, total) => {
            if (bar === undefined || total < PROGRESS_MIN_BYTES) return;
            if (!barStarted) bar.start(total, 0);
            barStarted = true;
            bar.update(read);
          });
    if (barStarted) bar?.stop();
    const format = cli.format ?? (cli.out === undefined && process.stdout.isTTY ? "table" : "jsonl");
    if (format === "html") {
      // parseCliArgs requires --out for html.
      await writeHtmlReport(createWriteStream(cli.out!), result.records, {
        ...result,
        diagnostics,
        mode: cli.mode,
        range: cli.range,
        evidenceCap: engine.evidenceCap,
        generatedAt: now(),
      });
    } else {
      const text = formatRecords(result.records, format, process.stdout.columns ?? 160);
      if (cli.out === undefined) process.stdout.write(text);
      else await writeFile(cli.out, text);
    }
    process.stderr.write(formatSummary(result, diagnostics, cli.mode, performance.now() - started));
    if (cli.strict && diagnostics.totalSkipped > 0) {
      process.stderr.write(
        `error: ${diagnostics.totalSkipped} input row(s) skipped and --strict was given\n`,
      );
      return EXIT.usage;
    }
    return EXIT.ok;
  } catch (error) {
    if (barStarted) bar?.stop();
    // Inputs that cannot be read: files, or a workspace that refused or failed the query.
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
