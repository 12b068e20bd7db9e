import type { IisReadOptions } from "./IisReadOptions.js";
import { readBufferSize } from "./IisReadOptions.js";
import type { IisReadSummary } from "./IisReadSummary.js";
import { type IisFile, listIisFiles } from "./listIisFiles.js";
import { readIisFile } from "./readIisFile.js";
import type { WebRequest } from "./WebRequest.js";

export type { IisReadOptions } from "./IisReadOptions.js";
export type { IisFileSummary, IisFormat, IisReadSummary } from "./IisReadSummary.js";

/**
 * Reads every IIS input, in order, and calls `onRequest` for each request that passes `options.acceptStem`. An input
 * is a file (read whatever its name) or a folder (its `*.log`, `*.json`, `*.jsonl`, `*.csv` files and their `.gz`,
 * recursively, in sorted order); each file's format is told from its content. `defaultHost` (`--iis-host`) names
 * the machine for that input's rows that carry no host name.
 *
 * Bad lines and unreadable files' content are reported through `options.diagnostics` and the run goes on; the
 * summary says, file by file, what was read and which files' rows have no host name. A path that does not exist or
 * cannot be read throws `IisInputError` before anything is read when it is an input itself, or when its file comes.
 *
 * @example
 * const summary = await readIisInputs([{ path: "logs/", defaultHost: "web01" }], { diagnostics }, (r) => rows.push(r));
 */
export async function readIisInputs(
  inputs: readonly { path: string; defaultHost?: string }[],
  options: IisReadOptions,
  onRequest: (request: WebRequest) => void,
): Promise<IisReadSummary> {
  const bufferSize = readBufferSize(options);
  const files: (IisFile & { defaultHost: string | undefined })[] = [];
  for (const input of inputs) {
    const found = await listIisFiles(input.path);
    if (found.length === 0) {
      options.diagnostics.warn(
        `${input.path}: no IIS log or export files (*.log, *.json, *.jsonl, *.csv, or .gz)`,
      );
    }
    for (const file of found) files.push({ ...file, defaultHost: input.defaultHost });
  }

  const totalBytes = files.reduce((sum, file) => sum + file.size, 0);
  const summary: IisReadSummary = {
    files: [],
    totalBytes,
    read: 0,
    skipped: 0,
    accepted: 0,
    filesWithoutHost: [],
  };
  const { onProgress } = options;
  let done = 0;
  onProgress?.(0, totalBytes);
  for (const file of files) {
    const fileSummary = await readIisFile(
      file.path,
      {
        diagnostics: options.diagnostics,
        acceptStem: options.acceptStem,
        defaultHost: file.defaultHost,
        bufferSize,
        onBytesRead: onProgress && ((bytes) => onProgress(done + Math.min(bytes, file.size), totalBytes)),
      },
      onRequest,
    );
    summary.files.push(fileSummary);
    summary.read += fileSummary.read;
    summary.skipped += fileSummary.skipped;
    summary.accepted += fileSummary.accepted;
    if (fileSummary.rowsWithoutHost > 0) summary.filesWithoutHost.push(file.path);
    done += file.size;
    onProgress?.(done, totalBytes);
  }
  return summary;
}
