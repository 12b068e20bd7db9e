import { parseCliArgs } from "../lib/cli/parseCliArgs.js";
import { runOffline } from "../lib/cli/runOffline.js";
import { DEFAULT_ENGINE_OPTIONS } from "../lib/correlate/EngineOptions.js";
import { Diagnostics } from "../lib/diagnostics/Diagnostics.js";
import { formatRecords } from "../lib/output/formatRecords.js";

/**
 * The offline job as the enrich command runs it on files (`--alerts … --iis … --mode …`), with the IIS files read
 * by this thread and `workers` worker threads (the CLI's default depends on the machine: `defaultWorkers`). Writes
 * the records as JSON lines.
 */
export async function runWithWorkers(args: readonly string[], workers: number): Promise<number> {
  const cli = parseCliArgs(args);
  const { records } = await runOffline(
    cli,
    { ...DEFAULT_ENGINE_OPTIONS, mode: cli.mode },
    new Diagnostics(),
    () => Date.now(),
    undefined,
    workers,
  );
  process.stdout.write(formatRecords(records, "jsonl"));
  return 0;
}
