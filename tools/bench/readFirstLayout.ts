import { open } from "node:fs/promises";

/** The W3C fields the compat query reads, by their `#Fields` names. */
export const COMPAT_FIELDS = [
  "date",
  "time",
  "s-sitename",
  "s-computername",
  "c-ip",
  "cs(user-agent)",
  "cs-uri-stem",
];

/** A log file and where the compat fields sit on its lines (`-1`: not logged). */
export interface FileLayout {
  path: string;
  /** Positions of {@link COMPAT_FIELDS}, in that order. */
  positions: number[];
}

const HEAD_BYTES = 64 * 1024;

/**
 * Where the compat fields are in a W3C log, from the first `#Fields` directive in its first 64 KiB: what a DuckDB
 * user would look at to write the `read_csv` call. Later directives are not looked for (that would mean reading
 * the file); the benchmark's output check catches a file whose fields move.
 */
export async function readFirstLayout(path: string): Promise<FileLayout> {
  const handle = await open(path, "r");
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(HEAD_BYTES), 0, HEAD_BYTES, 0);
    const directive = buffer
      .toString("utf8", 0, bytesRead)
      .split(/\r?\n/)
      .find((line) => line.toLowerCase().startsWith("#fields:"));
    if (directive === undefined)
      throw new Error(`${path}: no #Fields directive in its first ${HEAD_BYTES} bytes`);
    const names = directive
      .slice("#fields:".length)
      .trim()
      .split(/\s+/)
      .map((name) => name.toLowerCase());
    return { path, positions: COMPAT_FIELDS.map((field) => names.indexOf(field)) };
  } finally {
    await handle.close();
  }
}
