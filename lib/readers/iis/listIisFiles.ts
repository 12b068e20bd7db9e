import type { Dirent } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";

import { InputError } from "../../core/errors.js";

/** The names a folder walk takes: IIS logs and W3CIISLog exports, plain or gzip. */
const IIS_FILE = /\.(?:log|json|jsonl|csv)(?:\.gz)?$/i;

/** A file to read and its size on disk. */
export interface IisFile {
  path: string;
  size: number;
}

/**
 * The files an IIS input names: the file itself (whatever its name), or the `*.log`, `*.json`, `*.jsonl`, `*.csv`
 * files (and their `.gz`) under a folder, recursively, sorted by path so that runs are repeatable. Symbolic links
 * to files are followed, links to folders are not (they could loop). A missing or unreadable path throws
 * {@link InputError}.
 */
export async function listIisFiles(path: string): Promise<IisFile[]> {
  const info = await statOrThrow(path);
  if (info.isFile()) return [{ path, size: info.size }];
  if (!info.isDirectory()) throw new InputError(path, "expected a file or a folder", "IIS");
  const files: IisFile[] = [];
  await walk(path, files);
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function walk(folder: string, files: IisFile[]): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    throw InputError.wrap(folder, error, "IIS");
  }
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) await walk(path, files);
    else if (IIS_FILE.test(entry.name) && (entry.isFile() || entry.isSymbolicLink())) {
      const info = await statOrThrow(path);
      if (info.isFile()) files.push({ path, size: info.size });
    }
  }
}

async function statOrThrow(path: string) {
  try {
    return await stat(path);
  } catch (error) {
    throw InputError.wrap(path, error, "IIS");
  }
}
