import { PassThrough, Writable } from "node:stream";

import { describe, expect, it } from "vitest";

import { createRecordFormatter } from "../../../../../lib/adapters/cli/output/formatRecords.js";
import { writeRecords } from "../../../../../lib/adapters/cli/output/writeRecords.js";
import type { EnrichmentRecord } from "../../../../../lib/core/records/EnrichmentRecord.js";
import { aRecord } from "../../azure/tables/aRecord.js";

/** A slow stream (one write a turn of the event loop, small buffer) that keeps what it was given. */
function collector() {
  const chunks: string[] = [];
  const stream = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      setImmediate(done);
    },
  });
  return { stream, text: () => chunks.join(""), chunks };
}

function* made(count: number, seen?: (index: number) => void): Generator<EnrichmentRecord> {
  for (let i = 0; i < count; i++) {
    seen?.(i);
    yield { ...aRecord, RecordId: String(i) };
  }
}

describe("writeRecords", () => {
  it("writes records while they are still being made, in chunks", async () => {
    const { stream, text, chunks } = collector();
    let writtenBeforeLast = 0;
    const records = made(2000, (i) => {
      if (i === 1999) writtenBeforeLast = chunks.join("").length;
    });
    const result = await writeRecords(records, createRecordFormatter("jsonl"), stream);
    expect(result).toEqual({ written: 2000, cut: false, bySource: new Map([[aRecord.ProcessSource, 2000]]) });
    expect(writtenBeforeLast).toBeGreaterThan(0);
    expect(chunks.length).toBeGreaterThan(10);
    expect(text().split("\n")).toHaveLength(2001);
  });

  it("stops at maxRecords without asking for the rest, and closes the format", async () => {
    const { stream, text } = collector();
    let asked = 0;
    const result = await writeRecords(
      made(1_000_000, () => (asked += 1)),
      createRecordFormatter("json"),
      stream,
      5,
    );
    expect(result).toEqual({ written: 5, cut: true, bySource: new Map([[aRecord.ProcessSource, 5]]) });
    expect(asked).toBe(6);
    expect(JSON.parse(text())).toHaveLength(5);
  });

  it("says when exactly maxRecords were all there was", async () => {
    const { stream } = collector();
    expect(await writeRecords(made(5), createRecordFormatter("jsonl"), stream, 5)).toEqual({
      written: 5,
      cut: false,
      bySource: new Map([[aRecord.ProcessSource, 5]]),
    });
  });

  it("rejects with the stream's error", async () => {
    const stream = new PassThrough();
    stream.destroy(Object.assign(new Error("disk full"), { code: "ENOSPC" }));
    await expect(writeRecords(made(50_000), createRecordFormatter("jsonl"), stream)).rejects.toThrow(
      /disk full|destroyed/,
    );
  });

  it("counts what it handed over before the stream failed (a reader that closed the pipe)", async () => {
    // A reader that takes three chunks, then goes away as `head` does: EPIPE on the next write.
    let taken = 0;
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        if (++taken > 3) return done(Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
        lines.push(...chunk.toString().split("\n").filter(Boolean));
        setImmediate(done);
      },
    });
    const tally = { written: 0, cut: false, bySource: new Map<string, number>() };
    await expect(
      writeRecords(made(50_000), createRecordFormatter("jsonl"), stream, undefined, tally),
    ).rejects.toThrow(/EPIPE/);
    // Every record the reader took is counted, and at most a chunk or two more that were on their way.
    expect(tally.written).toBeGreaterThanOrEqual(lines.length);
    expect(lines.length).toBeGreaterThan(0);
    expect(tally.written).toBeLessThan(50_000);
    expect(tally.bySource.get(aRecord.ProcessSource)).toBe(tally.written);
  });
});
