import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { pipeline, type Readable, Transform } from "node:stream";
import { createGunzip } from "node:zlib";

import { InputError, type InputKind } from "../../core/errors.js";

/** Whether the file starts with the gzip magic bytes (1F 8B): compression is told from content, not the name. */
export async function isGzipFile(path: string, kind: InputKind): Promise<boolean> {
  try {
    const handle = await open(path, "r");
    try {
      const { bytesRead, buffer } = await handle.read(Buffer.alloc(2), 0, 2, 0);
      return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw InputError.wrap(path, error, kind);
  }
}

/**
 * The file's content as a stream of chunks, gunzipped on the fly when it is gzip. `onBytesRead` gets the bytes read
 * from disk so far. Errors come out of the stream: system errors as they are (wrap them with
 * {@link InputError.wrap}), broken gzip data as zlib errors (see {@link isZlibError}).
 */
export async function openInputStream(
  path: string,
  kind: InputKind,
  bufferSize: number,
  onBytesRead?: (bytesRead: number) => void,
): Promise<{ stream: Readable; gzip: boolean }> {
  const gzip = await isGzipFile(path, kind);
  const file = createReadStream(path, { highWaterMark: bufferSize });
  let bytesRead = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytesRead += chunk.length;
      onBytesRead?.(bytesRead);
      done(null, chunk);
    },
  });
  // pipeline destroys every stream with the first error, so a read error also ends the consumer's iteration.
  const stream = gzip
    ? pipeline(file, counter, createGunzip({ chunkSize: Math.max(bufferSize, 64) }), () => {})
    : pipeline(file, counter, () => {});
  return { stream, gzip };
}

/** Whether an error comes from zlib: the compressed data is truncated or corrupt, the file itself was readable. */
export function isZlibError(error: unknown): error is Error {
  return (
    error instanceof Error && "code" in error && typeof error.code === "string" && error.code.startsWith("Z_")
  );
}

/** The skip reason for gzip data that breaks off. */
export function brokenGzipReason(error: Error): string {
  return `gzip data is truncated or corrupt (${error.message}): the rest of the file is lost`;
}
