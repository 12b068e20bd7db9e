import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll } from "vitest";

/** A temporary folder of one test file or `describe` block. */
export interface ScratchDir {
  /** The folder (known once the block's tests run). */
  readonly path: string;
  /** Writes a file into it and returns its path. */
  write(name: string, content: string | Uint8Array): Promise<string>;
}

/**
 * A folder made before the tests of the calling block and removed after them, for inputs a test writes itself.
 *
 * @example const scratch = scratchDir("alert-files-"); … await read(await scratch.write("a.json", "[]"));
 */
export function scratchDir(prefix: string): ScratchDir {
  let dir: string | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });
  const scratch: ScratchDir = {
    get path() {
      if (dir === undefined) throw new Error("the scratch folder exists only while the tests run");
      return dir;
    },
    async write(name, content) {
      const path = join(scratch.path, name);
      await writeFile(path, content);
      return path;
    },
  };
  return scratch;
}
