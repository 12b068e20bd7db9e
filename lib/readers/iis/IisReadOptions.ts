import type { Diagnostics } from "../../core/Diagnostics.js";
import type { StemFilter } from "../../core/scriptStemFilter.js";
import type { W3cLine } from "../w3c/W3cLine.js";

/** Options of `readIisInputs`. */
export interface IisReadOptions {
  /** Where bad lines and rows are reported, and read rows counted. */
  diagnostics: Diagnostics;
  /** Keeps only the requests whose `csUriStem` passes (e.g. `makeStemFilter(scriptExtensions)`); default: all. */
  acceptStem?: StemFilter;
  /** Bytes per read (default 1 MiB). Tests use tiny sizes to put line breaks across reads. */
  bufferSize?: number;
  /** Called as files are read: bytes read from disk so far (compressed size for gzip) and in all. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /**
   * Native W3C logs only: takes each good line's bytes instead of a request (exports still call `onRequest`), so
   * that a caller that keeps few lines builds few strings. See `W3cLine`.
   */
  onLine?: (line: W3cLine) => void;
}

/** Options of one file's reader. */
export interface IisFileReadOptions {
  diagnostics: Diagnostics;
  acceptStem?: StemFilter;
  /** Host name for logs without `s-computername` (`--iis-host`): fills `Computer` and `sComputerName`. */
  defaultHost?: string;
  bufferSize?: number;
  /** Called as the file is read, with the bytes read from disk so far. */
  onBytesRead?: (bytesRead: number) => void;
  /** See {@link IisReadOptions.onLine}. */
  onLine?: (line: W3cLine) => void;
  /** Longest W3C line kept whole (default 16 MiB): tests use small sizes to make lines too long. */
  maxLineBytes?: number;
}

/** 1 MiB: large reads keep the per-read overhead negligible against the line scanning. */
export const DEFAULT_BUFFER_SIZE = 1 << 20;

/** The read size to use, checked up front: a positive whole number of bytes. */
export function readBufferSize(options: { bufferSize?: number }): number {
  const size = options.bufferSize ?? DEFAULT_BUFFER_SIZE;
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`bufferSize must be a positive whole number of bytes, got ${size}`);
  }
  return size;
}
