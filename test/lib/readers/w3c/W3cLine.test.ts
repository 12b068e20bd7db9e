import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { Diagnostics } from "../../../../lib/core/Diagnostics.js";
import {
  emptyWebRequest,
  type NumberColumn,
  type TextColumn,
  type WebRequest,
} from "../../../../lib/core/model/WebRequest.js";
import { makeStemFilter, type StemFilter } from "../../../../lib/core/scriptStemFilter.js";
import type { IisFileCounts } from "../../../../lib/readers/iis/IisReadSummary.js";
import { parseW3cText } from "../../../../lib/readers/w3c/parseW3cText.js";
import { SCAN_CAPACITY, W3cChunkParser } from "../../../../lib/readers/w3c/W3cChunkParser.js";
import { type W3cLine } from "../../../../lib/readers/w3c/W3cLine.js";
import { w3cLogText } from "./w3cArbitraries.js";

// The reader's byte-level path: what a line observer reads from a `W3cLine` (single fields or the whole request)
// must be exactly what the reference parser (`parseW3cText`) makes of the same bytes, whatever the bytes.

const SCRIPT = [".php", ".jsp", ".js", ".aspx", ".asmx", ".asax", ".cfm", ".shtml"];
const SOURCE = "u_ex261120.log";
const COLUMNS = Object.keys(emptyWebRequest) as (keyof WebRequest)[];
const NUMBER_COLUMNS = new Set<string>(["sPort", "scBytes", "csBytes", "TimeTaken"]);

/** The request a line observer sees, read field by field, after checking it equals `toRequest()`. */
function readLine(line: W3cLine): WebRequest {
  const request = line.toRequest();
  const fields: Record<string, unknown> = { TimeGenerated: line.time };
  for (const column of COLUMNS) {
    if (column === "TimeGenerated") continue;
    fields[column] = NUMBER_COLUMNS.has(column)
      ? line.number(column as NumberColumn)
      : line.text(column as TextColumn);
  }
  expect(fields).toEqual(request);
  return request;
}

function fast(bytes: Buffer, cuts: number[], acceptStem: StemFilter | undefined, defaultHost?: string) {
  const diagnostics = new Diagnostics(Number.MAX_SAFE_INTEGER);
  const requests: WebRequest[] = [];
  const parser = new W3cChunkParser(
    SOURCE,
    { diagnostics, acceptStem, defaultHost, onLine: (line) => requests.push(readLine(line)) },
    () => {
      throw new Error("onRequest must not be called when onLine is given");
    },
  );
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    parser.push(bytes.subarray(from, cut));
    from = cut;
  }
  parser.end();
  return { requests, counts: parser.counts, skips: diagnostics.inputs.get(SOURCE)?.examples ?? [] };
}

function reference(bytes: Buffer, acceptStem: StemFilter | undefined, defaultHost?: string) {
  const diagnostics = new Diagnostics(Number.MAX_SAFE_INTEGER);
  const text = bytes.toString("utf8");
  const { requests, counts } = parseW3cText(text, { source: SOURCE, diagnostics, acceptStem, defaultHost });
  return { requests, counts, skips: diagnostics.inputs.get(SOURCE)?.examples ?? [] };
}

// Bytes that break UTF-8 (lone lead or continuation bytes, cut sequences) or lower into ASCII (İ, the Kelvin sign).
const odd = fc.constantFrom(0xff, 0xfe, 0xc3, 0x80, 0xbf, 0xe2, 0x84, 0xaa, 0xc4, 0xb0, 0xf0);

/** A generated log with some of its bytes overwritten by odd ones. */
const damagedLog = w3cLogText.chain((text) => {
  const bytes = Buffer.from(text);
  return fc
    .array(fc.tuple(fc.nat(Math.max(0, bytes.length - 1)), odd), { maxLength: bytes.length === 0 ? 0 : 6 })
    .map((edits) => {
      const copy = Buffer.from(bytes);
      for (const [at, byte] of edits) copy[at] = byte;
      return copy;
    });
});

const filters = fc.constantFrom<StemFilter | undefined>(
  undefined,
  makeStemFilter(SCRIPT),
  makeStemFilter(["x", "é"]),
);

describe("W3cLine", () => {
  it("reads each field as the reference parser does, on generated logs with damaged bytes, cut anywhere", () => {
    fc.assert(
      fc.property(
        damagedLog.chain((bytes) =>
          fc.tuple(fc.constant(bytes), fc.uniqueArray(fc.nat(bytes.length), { maxLength: 8 })),
        ),
        filters,
        fc.constantFrom(undefined, "web01"),
        ([bytes, cuts], filter, host) => {
          const sorted = [...cuts].sort((a, b) => a - b);
          expect(fast(bytes, sorted, filter, host)).toEqual(reference(bytes, filter, host));
        },
      ),
      { numRuns: 600 },
    );
  });

  it("reads a chunk larger than one scan, and a line longer than one scan, as the reference does", () => {
    const fields = "#Fields: date time s-computername cs-uri-stem c-ip cs(User-Agent) time-taken\n";
    const line = (i: number) =>
      `2026-11-20 10:15:${String(i % 60).padStart(2, "0")} WEB0${i % 3} /p${i % 7}.aspx 10.0.0.${i % 5} UA+${i % 11} ${i}\n`;
    const lines = Array.from({ length: 3000 }, (_, i) => line(i)).join("");
    const giant = `2026-11-20 10:16:00 WEB01 /big.aspx 10.0.0.9 ${"Z+".repeat(SCAN_CAPACITY)} 5\n`;
    const bytes = Buffer.from(fields + lines + giant + lines);
    expect(bytes.length).toBeGreaterThan(2 * SCAN_CAPACITY);
    for (const cuts of [[], [SCAN_CAPACITY + 17, 3 * SCAN_CAPACITY - 5]]) {
      const actual = fast(bytes, cuts, makeStemFilter(SCRIPT));
      expect(actual).toEqual(reference(bytes, makeStemFilter(SCRIPT)));
      expect(actual.counts).toEqual<IisFileCounts>({
        read: 6001,
        skipped: 0,
        accepted: 6001,
        rowsWithoutHost: 0,
      });
    }
  });

  it("gives each user agent as logged, however many distinct ones a file has", () => {
    const fields = "#Fields: date time cs-uri-stem cs(User-Agent)\n";
    const lines = Array.from({ length: 5000 }, (_, i) => `2026-11-20 10:15:00 /a.aspx Agent+${i % 4500}+x\n`);
    const { requests } = fast(Buffer.from(fields + lines.join("") + lines.join("")), [], undefined);
    expect(requests.map((r) => r.csUserAgent)).toEqual(
      [...lines, ...lines].map((l) => l.split(" ")[3]!.trim()),
    );
  });
});
