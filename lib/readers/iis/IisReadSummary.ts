/** How an IIS input file was read: told from its content, not its name. */
export type IisFormat = "w3c" | "json" | "jsonl" | "csv";

/** What a reader counted in one file. Every row of the file is in exactly one of `read` and `skipped`. */
export interface IisFileCounts {
  /** Data lines or export rows that were well-formed, including those the stem filter dropped. */
  read: number;
  /** Lines or rows that could not be used (reported through `Diagnostics.skip`). */
  skipped: number;
  /** Requests handed to the caller. */
  accepted: number;
  /**
   * Accepted requests with no host name at all (`sComputerName`, `Computer` and `_ResourceId` empty): the engine
   * cannot tie them to an alert's host, so the CLI asks for `--iis-host`.
   */
  rowsWithoutHost: number;
}

/** One file of a {@link IisReadSummary}. */
export interface IisFileSummary extends IisFileCounts {
  path: string;
  /** `empty` for a blank file, `unsupported` for one that was not read (UTF-16, broken gzip header). */
  format: IisFormat | "empty" | "unsupported";
  /** Whether the file was gzip-compressed. */
  gzip: boolean;
}

/** What `readIisInputs` read, file by file, in reading order. */
export interface IisReadSummary {
  files: IisFileSummary[];
  /** Sum of the files' sizes on disk (compressed size for gzip). */
  totalBytes: number;
  /** Sum of `read` over the files. */
  read: number;
  /** Sum of `skipped` over the files. */
  skipped: number;
  /** Sum of `accepted` over the files. */
  accepted: number;
  /** Files with at least one accepted request that has no host name (see {@link IisFileCounts.rowsWithoutHost}). */
  filesWithoutHost: string[];
}
