import { open } from "node:fs/promises";
import { constants, gunzipSync } from "node:zlib";

import { InputError, type InputKind } from "../../core/errors.js";

/** Enough for any header line; gzip heads are decompressed from a smaller slice so that a bomb stays small. */
const HEAD_BYTES = 64 * 1024;
const GZIP_HEAD_BYTES = 4 * 1024;

/**
 * The first bytes of a file's content (gunzipped if it is gzip), to tell its format by; `complete` when they are
 * all of it.
 */
export type FileHead = { gzip: boolean; head: Buffer; complete: boolean } | { gzip: true; error: Error };

/**
 * Reads the first bytes of `path`, decompressing them when the file is gzip (told by its magic bytes). A gzip file
 * whose start cannot be decompressed comes back with `error`; a file that cannot be read throws
 * {@link InputError}.
 */
export async function readFileHead(path: string, kind: InputKind): Promise<FileHead> {
  let raw: Buffer;
  try {
    const handle = await open(path, "r");
    try {
      const { bytesRead, buffer } = await handle.read(Buffer.alloc(HEAD_BYTES), 0, HEAD_BYTES, 0);
      raw = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw InputError.wrap(path, error, kind);
  }
  if (!(raw[0] === 0x1f && raw[1] === 0x8b))
    return { gzip: false, head: raw, complete: raw.length < HEAD_BYTES };
  try {
    // Z_SYNC_FLUSH: give what the slice holds instead of failing because the stream goes on past it.
    const head = gunzipSync(raw.subarray(0, GZIP_HEAD_BYTES), { finishFlush: constants.Z_SYNC_FLUSH });
    // Nothing came out of the first bytes: either a really empty gzip, which gunzips whole without error, or one
    // cut inside its first block, which must be reported as truncated rather than look like an empty file.
    if (head.length === 0) gunzipSync(raw);
    return { gzip: true, head, complete: raw.length < GZIP_HEAD_BYTES };
  } catch (error) {
    return { gzip: true, error: error instanceof Error ? error : new Error(String(error)) };
  }
}
