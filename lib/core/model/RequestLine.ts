import type { NumberColumn, TextColumn, WebRequest } from "./WebRequest.js";

/**
 * One good log line as a reader hands it to the correlation before any string is built: the narrow view the core
 * needs, which the byte-level W3C reader implements (`lib/readers/w3c/W3cLine.ts`). A correlator picks the few
 * fields it needs and builds the whole request only for lines it keeps; every value is exactly what the same field
 * of `toRequest()` holds.
 *
 * A reader may reuse one object for every line: a view is valid only during the call it is passed to.
 */
export interface RequestLine {
  /** When the line was written (W3C `date` + `time`), epoch milliseconds (UTC). */
  readonly time: number;
  /** The host named for files that do not log `s-computername` (`--iis-host`), if any. */
  readonly defaultHost: string | undefined;
  /** The bytes the line lies in; the page is `buf[stemStart() .. stemEnd())`. */
  readonly buf: Uint8Array;
  /** Whether every byte of the line is below 0x80: its bytes are then its characters, one each. */
  readonly ascii: boolean;
  /** Start of the page's bytes (`cs-uri-stem`) in `buf`; equal to `stemEnd()` when the page is not logged. */
  stemStart(): number;
  /** End (exclusive) of the page's bytes in `buf`. */
  stemEnd(): number;
  /** Start of a column's bytes in `buf` as logged (`-` for "not logged" included), or -1 when no field has it. */
  columnStart(column: TextColumn): number;
  /** End (exclusive) of a column's bytes in `buf`, when `columnStart` is not -1. */
  columnEnd(column: TextColumn): number;
  /** The column's value, as `toRequest()[column]` has it. */
  text(column: TextColumn): string;
  /** The column's value, as `toRequest()[column]` has it. */
  number(column: NumberColumn): number | undefined;
  /** The whole request. */
  toRequest(): WebRequest;
}
