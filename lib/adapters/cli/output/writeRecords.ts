import { once } from "node:events";
import type { Writable } from "node:stream";

import type { EnrichmentRecord } from "../../../core/records/EnrichmentRecord.js";
import type { RecordFormatter } from "./formatRecords.js";

/** What {@link writeRecords} wrote. */
export interface WrittenRecords {
  written: number;
  /** More records followed when `maxRecords` was reached; they were not made. */
  cut: boolean;
  /**
   * The records written by `ProcessSource`, for the summary: counted here because the records are made as they are
   * written and cannot be read a second time.
   */
  bySource: Map<string, number>;
}

/** Adds a written record to `bySource`. */
export function countSource(bySource: Map<string, number>, record: EnrichmentRecord): void {
  bySource.set(record.ProcessSource, (bySource.get(record.ProcessSource) ?? 0) + 1);
}

/** Text gathered before one write: large enough that writes are few, small enough to stay out of the way. */
const CHUNK_CHARS = 64 * 1024;

/**
 * Writes records to a stream in one format as they come, never holding more than one chunk of text: each chunk is
 * written when full, and the next waits while the stream is full (a slow pipe or disk slows the run instead of
 * filling memory). Stops after `maxRecords`, without asking for the next record. A stream error rejects. The stream
 * is left open (standard output must stay so).
 */
export async function writeRecords(
  records: Iterable<EnrichmentRecord>,
  formatter: RecordFormatter,
  out: Writable,
  maxRecords = Number.POSITIVE_INFINITY,
): Promise<WrittenRecords> {
  let failure: Error | undefined;
  const onError = (error: Error) => (failure ??= error);
  out.on("error", onError);
  let chunk = formatter.start();
  const flush = async () => {
    if (failure !== undefined) throw failure;
    const full = !out.write(chunk);
    chunk = "";
    // `once` rejects when the stream fails while we wait.
    if (full) await once(out, "drain");
  };
  try {
    let written = 0;
    const bySource = new Map<string, number>();
    const iterator = records[Symbol.iterator]();
    for (let next = iterator.next(); !next.done; next = iterator.next()) {
      if (written === maxRecords) {
        iterator.return?.();
        chunk += formatter.end();
        await flush();
        return { written, cut: true, bySource };
      }
      chunk += formatter.record(next.value);
      written += 1;
      countSource(bySource, next.value);
      if (chunk.length >= CHUNK_CHARS) await flush();
    }
    chunk += formatter.end();
    await flush();
    return { written, cut: false, bySource };
  } finally {
    out.off("error", onError);
  }
}
