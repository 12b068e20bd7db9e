import { createRecordFormatter } from "../../lib/adapters/cli/output/formatRecords.js";
import { writeRecords } from "../../lib/adapters/cli/output/writeRecords.js";
import { parseCliArgs } from "../../lib/adapters/cli/parseCliArgs.js";
import { Diagnostics } from "../../lib/core/Diagnostics.js";
import { DEFAULT_ENGINE_OPTIONS } from "../../lib/core/model/EngineOptions.js";
import { runOffline } from "../../lib/job/runOffline.js";

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
  await writeRecords(records, createRecordFormatter("jsonl"), process.stdout);
  return 0;
}
