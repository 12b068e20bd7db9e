/**
 * The original query's `commandKeyedData`, kept factored: its rows pair every file entity of a shell alert with
 * every process entity whose `ImageFile` is a `$ref` to the file's `$id`, in any alert (B2). Real exports number
 * each alert's entities from 1, so that join multiplies: N such files × M such processes. Kept as the two sides
 * instead of their product, it costs N + M, and the records it multiplies into are made one at a time
 * (`buildCompatRecords`).
 */
export interface CompatJoin {
  /** The file side, one entry per (alert bin, host, file name). */
  files: readonly CompatFile[];
  /** The process side: the distinct command lines of the processes whose `ImageFile` is `{"$ref": key}`. */
  commandLines: ReadonlyMap<string, readonly string[]>;
}

/**
 * The files of shell alerts that share a 30 s alert bin, a host of their own alert and a `Name`: they join the
 * same requests, under the same name (the query's `ImageName`, later output as `ParentProcess`: B6).
 */
export interface CompatFile {
  /** `bin(TimeGenerated, 30s)` of the file's alert. */
  timeKey: number;
  /** A `HostName` of a host entity of the file's alert (the query joins it to `sComputerName` exactly: B7). */
  hostName: string;
  imageName: string;
  /** The files' `$id`s: each joins every process that refers to it, in any alert. */
  ids: readonly string[];
}

/** The command lines that file entries of these `$id`s join (the union over the ids), each once. */
export function commandLinesOf(join: CompatJoin, ids: readonly string[]): readonly string[] {
  if (ids.length === 1) return join.commandLines.get(ids[0]!) ?? [];
  const lines = new Set<string>();
  for (const id of ids) for (const line of join.commandLines.get(id) ?? []) lines.add(line);
  return [...lines];
}

/** The query's `lookupWindow` and `lookupBin`. */
export const COMPAT_LOOKUP_WINDOW_MS = 60_000;
export const COMPAT_LOOKUP_BIN_MS = COMPAT_LOOKUP_WINDOW_MS / 2;
