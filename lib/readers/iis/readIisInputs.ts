import type { Diagnostics } from "../../core/Diagnostics.js";
import type { WebRequest } from "../../core/model/WebRequest.js";
import { type IisReadOptions, readBufferSize } from "./IisReadOptions.js";
import type { IisFileSummary, IisReadSummary } from "./IisReadSummary.js";
import { type IisFile, listIisFiles } from "./listIisFiles.js";
import { readIisFile } from "./readIisFile.js";

export type { IisReadOptions } from "./IisReadOptions.js";
export type { IisFileSummary, IisFormat, IisReadSummary } from "./IisReadSummary.js";

/** An IIS file to read, with the host name (`--iis-host`) in force for its input. */
export type IisInputFile = IisFile & { defaultHost: string | undefined };

/**
 * Reads every IIS input, in order, and calls `onRequest` for each request that passes `options.acceptStem`. An input
 * is a file (read whatever its name) or a folder (its `*.log`, `*.json`, `*.jsonl`, `*.csv` files and their `.gz`,
 * recursively, in sorted order); each file's format is told from its content. `defaultHost` (`--iis-host`) names
 * the machine for that input's rows that carry no host name.
 *
 * Bad lines and unreadable files' content are reported through `options.diagnostics` and the run goes on; the
 * summary says, file by file, what was read and which files' rows have no host name. A path that does not exist or
 * cannot be read throws `InputError` before anything is read when it is an input itself, or when its file comes.
 *
 * @example
 * const summary = await readIisInputs([{ path: "logs/" }], { diagnostics }, (r) => rows.push(r));
 */
export async function readIisInputs(
  inputs: readonly { path: string; defaultHost?: string }[],
  options: IisReadOptions,
  onRequest: (request: WebRequest) => void,
): Promise<IisReadSummary> {
  return readIisFiles(await listIisInputFiles(inputs, options.diagnostics), options, onRequest);
}

/** {@link readIisInputs} for the files of the inputs, already listed (`listIisInputFiles`). */
export async function readIisFiles(
  files: readonly IisInputFile[],
  options: IisReadOptions,
  onRequest: (request: WebRequest) => void,
): Promise<IisReadSummary> {
  const bufferSize = readBufferSize(options);
  const summary = emptyReadSummary(files);
  const { onProgress } = options;
  let done = 0;
  onProgress?.(0, summary.totalBytes);
  for (const file of files) {
    const fileSummary = await readIisFile(
      file.path,
      {
        diagnostics: options.diagnostics,
        acceptStem: options.acceptStem,
        onLine: options.onLine,
        defaultHost: file.defaultHost,
        bufferSize,
        onBytesRead:
          onProgress && ((bytes) => onProgress(done + Math.min(bytes, file.size), summary.totalBytes)),
      },
      onRequest,
    );
    addFileSummary(summary, fileSummary);
    done += file.size;
    onProgress?.(done, summary.totalBytes);
  }
  return summary;
}

/** The files of the inputs, in reading order; an input with none is noted as a warning. */
export async function listIisInputFiles(
  inputs: readonly { path: string; defaultHost?: string }[],
  diagnostics: Diagnostics,
): Promise<IisInputFile[]> {
  const files: IisInputFile[] = [];
  for (const input of inputs) {
    const found = await listIisFiles(input.path);
    if (found.length === 0) {
      diagnostics.warn(`${input.path}: no IIS log or export files (*.log, *.json, *.jsonl, *.csv, or .gz)`);
    }
    for (const file of found) files.push({ ...file, defaultHost: input.defaultHost });
  }
  return files;
}

/** A summary of nothing read yet, over these files. */
export function emptyReadSummary(files: readonly IisFile[]): IisReadSummary {
  const totalBytes = files.reduce((sum, file) => sum + file.size, 0);
  return { files: [], totalBytes, read: 0, skipped: 0, accepted: 0, filesWithoutHost: [] };
}

/** Adds the next file's counts to a summary (files in reading order). */
export function addFileSummary(summary: IisReadSummary, file: IisFileSummary): void {
  summary.files.push(file);
  summary.read += file.read;
  summary.skipped += file.skipped;
  summary.accepted += file.accepted;
  if (file.rowsWithoutHost > 0) summary.filesWithoutHost.push(file.path);
}
