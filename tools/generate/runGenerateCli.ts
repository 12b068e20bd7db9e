import { performance } from "node:perf_hooks";

import { UsageError } from "../../lib/core/errors.js";
import { generateDataSet } from "./generateDataSet.js";
import { GENERATE_USAGE, parseGenerateArgs } from "./parseGenerateArgs.js";

/** Where the CLI writes: `process.stdout`/`process.stderr` in production, buffers in tests. */
export interface CliOutput {
  write(text: string): unknown;
}

/**
 * The generator's command line: parses `args`, writes the data set, prints a one-line summary.
 *
 * @returns the exit status: 0 done, 1 the generation failed (e.g. an output folder it will not overwrite),
 * 2 a usage error (the message and the usage go to `stderr`).
 */
export function runGenerateCli(args: readonly string[], stdout: CliOutput, stderr: CliOutput): number {
  try {
    const command = parseGenerateArgs(args);
    if (command.help) {
      stdout.write(`${GENERATE_USAGE}\n`);
      return 0;
    }
    const started = performance.now();
    const result = generateDataSet(command.out, command.options);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    stdout.write(
      `generate: wrote ${command.out}: ${result.iisLines} IIS lines in ${result.files.length - 4} files, ` +
        `${result.alerts} alerts, ${result.findings} findings, ${result.decoys} decoys, ` +
        `${result.processEvents} process events (${seconds} s)\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      stderr.write(`generate: ${error.message}\n\n${GENERATE_USAGE}\n`);
      return 2;
    }
    stderr.write(`generate: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
