import { WebShellProcessTree } from "../../core/correlate/precise/WebShellProcessTree.js";
import { Diagnostics } from "../../core/Diagnostics.js";
import type { DeviceProcessRow } from "../../core/model/DeviceProcessRow.js";
import { readProcessFile } from "./readProcessFile.js";

/** What reading the `DeviceProcessEvents` inputs gave. */
export interface DeviceProcessesRead {
  /** The rows of web-shell processes (see `WebShellProcessTree`), in the order they were found. */
  rows: DeviceProcessRow[];
  /** Rows read, of every kind, over all files (the first reading). */
  read: number;
  /** Times the files were read: once, and again while a reading linked new processes to known ones. */
  passes: number;
}

/**
 * Reads `DeviceProcessEvents` exports and keeps only the rows of web-shell processes (docs/design.md §4.12): the
 * children and grandchildren of the web server worker, and their descendants linked through their initiating
 * process. An export lists a process before its parent as often as after it (Advanced Hunting shows the newest
 * first), and keeping every row until the tree is known would hold the whole export; so the files are read again,
 * streamed, while a reading found the parent of a row it had turned down (see `WebShellProcessTree`): once for an
 * export in time order, twice for one newest first. Rows are counted, and bad rows reported, on the first reading
 * only.
 */
export async function readDeviceProcesses(
  paths: readonly string[],
  workerImages: readonly string[],
  diagnostics: Diagnostics,
): Promise<DeviceProcessesRead> {
  const tree = new WebShellProcessTree(workerImages);
  const offer = (row: DeviceProcessRow) => void tree.offer(row);
  tree.startPass();
  let read = 0;
  for (const path of paths) read += await readProcessFile(path, diagnostics, offer);
  let passes = 1;
  while (tree.needsAnotherPass) {
    passes += 1;
    tree.startPass();
    // Already counted and reported: this reading only looks for children of the processes found since.
    const again = new Diagnostics(0, 0);
    for (const path of paths) await readProcessFile(path, again, offer);
  }
  return { rows: tree.rows, read, passes };
}
