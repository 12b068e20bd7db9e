import { once } from "node:events";
import type { Writable } from "node:stream";

import type { EnrichmentRecord } from "../../../core/records/EnrichmentRecord.js";
import type { RecordFormatter } from "./formatRecords.js";

/** What {@link writeRecords} wrote. */
export interface WrittenRecords {
  written: number;
  /** More records followed when `maxRecords` was reached; they were not made. */
  cut: boolean;
  /** The reader of standard output went away (`| head`): `written` were handed to it, fewer may have arrived. */
  closed?: boolean;
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
 * filling memory). Stops after `maxRecords`, without asking for the next record. A stream error rejects; `tally`
 * then says how many records had been handed to the stream. The stream is left open (standard output must stay so).
 */
export async function writeRecords(
  records: Iterable<EnrichmentRecord>,
  formatter: RecordFormatter,
  out: Writable,
  maxRecords = Number.POSITIVE_INFINITY,
  tally: WrittenRecords = { written: 0, cut: false, bySource: new Map() },
): Promise<WrittenRecords> {
  let failure: Error | undefined;
  const onError = (error: Error) => (failure ??= error);
  out.on("error", onError);
  let chunk = formatter.start();
  let inChunk = 0;
  const bySource = new Map<string, number>();
  const flush = async () => {
    if (failure !== undefined) throw failure;
    const full = !out.write(chunk);
    // Handed to the stream: counted now, so that a failure later leaves the count of what went out.
    tally.written += inChunk;
    for (const [source, count] of bySource)
      tally.bySource.set(source, (tally.bySource.get(source) ?? 0) + count);
    bySource.clear();
    [chunk, inChunk] = ["", 0];
    // `once` rejects when the stream fails while we wait.
    if (full) await once(out, "drain");
  };
  try {
    let made = 0;
    const iterator = records[Symbol.iterator]();
    for (let next = iterator.next(); !next.done; next = iterator.next()) {
      if (made === maxRecords) {
        iterator.return?.();
        chunk += formatter.end();
        await flush();
        tally.cut = true;
        return tally;
      }
      chunk += formatter.record(next.value);
      made += 1;
      inChunk += 1;
      countSource(bySource, next.value);
      if (chunk.length >= CHUNK_CHARS) await flush();
    }
    chunk += formatter.end();
    await flush();
    return tally;
  } finally {
    out.off("error", onError);
  }
}
