import { open } from "node:fs/promises";

import { InputError } from "../../core/errors.js";
import type { WebRequest } from "../../core/model/WebRequest.js";
import { brokenGzipReason, isGzipFile, isZlibError, openInputStream } from "../files/openInputStream.js";
import { type IisFileReadOptions, readBufferSize } from "../iis/IisReadOptions.js";
import type { IisFileCounts } from "../iis/IisReadSummary.js";
import { fileIdentity, type W3cRange } from "./splitW3cFile.js";
import { SCAN_CAPACITY, W3cChunkParser } from "./W3cChunkParser.js";

/**
 * Streams a native W3C extended log file (as IIS writes it, gzip-compressed or not) and calls `onRequest` for each
 * good data line that passes `acceptStem` (or `options.onLine` instead, with the line's bytes); see
 * {@link W3cChunkParser} for the line rules. Memory stays bounded by the read size and the longest line, whatever
 * the file size: a plain file is read with large reads into the parser's reused buffer, a gzip file is gunzipped
 * while streaming.
 *
 * Bad lines are skipped and reported through `options.diagnostics`; truncated or corrupt gzip data is reported as a
 * skip and the rows before it are kept. A file that cannot be opened or read throws {@link InputError}.
 *
 * `gzip`: whether the file is gzip, when the caller knows it from the file's head already (one open less per file:
 * on hundreds of small logs, each open is a wait for the disk that nothing else fills).
 *
 * @example const counts = await readW3cFile("logs/u_ex230418.log", { diagnostics }, (request) => rows.push(request));
 */
export async function readW3cFile(
  path: string,
  options: IisFileReadOptions,
  onRequest: (request: WebRequest) => void,
  gzip?: boolean,
): Promise<IisFileCounts> {
  const bufferSize = readBufferSize(options);
  const parser = new W3cChunkParser(path, options, onRequest);
  try {
    if (gzip ?? (await isGzipFile(path, "IIS")))
      await readGzip(path, bufferSize, parser, options.onBytesRead);
    else await readPlain(path, bufferSize, parser, options.onBytesRead, WHOLE_FILE);
  } catch (error) {
    throw InputError.wrap(path, error, "IIS");
  }
  return parser.counts;
}

/**
 * {@link readW3cFile} of one range of a plain W3C log (`splitW3cFile`): its lines are numbered, and parsed under the
 * `#Fields` in force, as reading the whole file would number and parse them. `onBytesRead` counts from the range's
 * start.
 */
export async function readW3cRange(
  path: string,
  range: W3cRange,
  options: IisFileReadOptions,
  onRequest: (request: WebRequest) => void,
): Promise<IisFileCounts> {
  const parser = new W3cChunkParser(path, options, onRequest);
  parser.resume(range.linesBefore, range.fields);
  try {
    await readPlain(path, readBufferSize(options), parser, options.onBytesRead, range);
  } catch (error) {
    throw InputError.wrap(path, error, "IIS");
  }
  return parser.counts;
}

const WHOLE_FILE = { start: 0, end: undefined } as const;

async function readPlain(
  path: string,
  bufferSize: number,
  parser: W3cChunkParser,
  onBytesRead: ((bytesRead: number) => void) | undefined,
  { start, end, file }: { start: number; end: number | undefined; file?: string },
): Promise<void> {
  const handle = await open(path, "r");
  try {
    // A range is of the file that was cut (`W3cRange.file`); the whole file is whatever is at its path.
    if (file !== undefined && fileIdentity(await handle.stat({ bigint: true })) !== file)
      throw new InputError(
        path,
        "the file was replaced while it was read (another file is at its path): read it again",
        "IIS",
      );
    // Straight into the parser's two scan buffers, no copy: the next read fills one while the other is parsed.
    const size = Math.min(bufferSize, SCAN_CAPACITY);
    const sizeAt = (at: number) => (end === undefined ? size : Math.max(0, Math.min(size, end - at)));
    let area: 0 | 1 = 0;
    let position = start;
    let reading = handle.read(parser.input(area), 0, sizeAt(position), position);
    for (;;) {
      const { bytesRead } = await reading;
      if (bytesRead === 0) break;
      position += bytesRead;
      const next: 0 | 1 = area === 0 ? 1 : 0;
      reading = handle.read(parser.input(next), 0, sizeAt(position), position);
      parser.pushInput(area, bytesRead);
      onBytesRead?.(position - start);
      area = next;
    }
  } finally {
    await handle.close();
  }
  parser.end();
}

async function readGzip(
  path: string,
  bufferSize: number,
  parser: W3cChunkParser,
  onBytesRead: ((bytesRead: number) => void) | undefined,
): Promise<void> {
  const { stream } = await openInputStream(path, "IIS", bufferSize, onBytesRead);
  try {
    for await (const chunk of stream) parser.push(chunk as Buffer);
  } catch (error) {
    if (!isZlibError(error)) throw error;
    parser.abort(brokenGzipReason(error));
    return;
  }
  parser.end();
}
