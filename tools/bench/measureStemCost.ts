import { createCorrelator } from "../../lib/core/correlate/createCorrelator.js";
import { Diagnostics } from "../../lib/core/Diagnostics.js";
import { DEFAULT_ENGINE_OPTIONS, type MatchMode } from "../../lib/core/model/EngineOptions.js";
import { makeStemFilter } from "../../lib/core/scriptStemFilter.js";
import { W3cChunkParser } from "../../lib/readers/w3c/W3cChunkParser.js";

/** The clients of the measured pages: IPv4 addresses (their values), or temporary IPv6 ones (tags of their text). */
export type StemCostClient = "ipv4" | "ipv6";

/** Memory a run holds per distinct script page, per mode and kind of client. */
export interface StemCost {
  mode: MatchMode;
  client: StemCostClient;
  /** Bytes of each page (all the same length). */
  pageBytes: number;
  /** Distinct pages read. */
  stems: number;
  /** JavaScript heap and array buffers after reading them, less before, per page. */
  bytesPerStem: number;
}

const FIELDS =
  "#Fields: date time s-sitename s-computername s-ip cs-method cs-uri-stem c-ip cs(User-Agent) time-taken\n";
const LINES_PER_CHUNK = 10_000;

/** Page n, of 31 bytes, and of 95 (`/Tenants/…`). */
const PAGES = [
  (n: number) => `/portal/orders/${100_000 + n}/view.aspx`,
  (n: number) =>
    `/Tenants/T3f1/Workspaces/Archive/Documents/Revisions/Attachments/portal/orders/${100_000 + n}/view.aspx`,
];

/**
 * What the engine holds per distinct script page: the memory (JavaScript heap and the typed arrays' buffers, after
 * full collections) after reading `counts` distinct pages through the byte-level reader into a correlator (the
 * offline path), less the memory before, per page. Each page is requested once, by a client of its own (an IPv4
 * address, or a temporary IPv6 one), with ids in its path as on the high-cardinality profile's sites: 31 bytes long,
 * or 95 under six folders as on the long-pages profile's. Growing arrays hold some room ahead, so the figure is
 * given at several counts. Needs `--expose-gc`.
 */
export function measureStemCost(counts: readonly number[]): StemCost[] {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("measureStemCost needs node --expose-gc");
  const memory = () => {
    gc();
    gc();
    const { heapUsed, arrayBuffers } = process.memoryUsage();
    return heapUsed + arrayBuffers;
  };
  const runs = (["compat", "precise"] as const).flatMap((mode) =>
    (["ipv4", "ipv6"] as const).flatMap((client) => PAGES.map((page) => ({ mode, client, page }))),
  );
  return runs.flatMap(({ mode, client, page }) => {
    const diagnostics = new Diagnostics();
    const parser = new W3cChunkParser(
      "stems.log",
      {
        diagnostics,
        acceptStem: makeStemFilter(DEFAULT_ENGINE_OPTIONS.scriptExtensions),
        onLine: (line) => correlator.observeLine(line),
      },
      () => undefined,
    );
    parser.push(Buffer.from(FIELDS));
    const before = memory();
    const { correlator } = createCorrelator([], { ...DEFAULT_ENGINE_OPTIONS, mode }, undefined, diagnostics);
    let read = 0;
    const costs = [...counts]
      .sort((a, b) => a - b)
      .map((stems) => {
        feed(parser, read, stems, client, page);
        read = stems;
        return { mode, client, pageBytes: page(0).length, stems, bytesPerStem: (memory() - before) / stems };
      });
    parser.end();
    return costs;
  });
}

/** Lines for pages `from` to `to` (one each), pushed a chunk at a time. */
function feed(
  parser: W3cChunkParser,
  from: number,
  to: number,
  client: StemCostClient,
  page: (n: number) => string,
): void {
  for (let start = from; start < to; start += LINES_PER_CHUNK) {
    let text = "";
    for (let i = start; i < Math.min(to, start + LINES_PER_CHUNK); i++) {
      const ip =
        client === "ipv4"
          ? `${10 + (i >>> 24)}.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`
          : `2a02:8109:${(i >>> 16).toString(16)}:${(i & 0xffff).toString(16)}:5d1c:${((i * 7919) & 0xffff).toString(16)}:e03:41a7`;
      text += `2026-11-20 10:00:00 W3SVC1 WEB01 10.0.0.4 GET ${page(i)} ${ip} Mozilla/5.0+(Windows+NT+10.0) 31\n`;
    }
    parser.push(Buffer.from(text));
  }
}
