import { createHash } from "node:crypto";
import { Writable } from "node:stream";

import { describe, expect, it } from "vitest";

import type { ReportRun } from "../../../../../../lib/adapters/cli/output/html/renderSummary.js";
import { writeHtmlReport } from "../../../../../../lib/adapters/cli/output/html/writeHtmlReport.js";
import { Diagnostics } from "../../../../../../lib/core/Diagnostics.js";
import { makeReportRecords } from "../../../../../../tools/bench/report/makeReportRecords.js";

// The writer on its own: it streams the page in bounded writes and fails with the stream; the page's policy allows exactly its style sheet. (What the page shows is tested in Chromium beside.)

const RUN: ReportRun = {
  mode: "precise",
  range: undefined,
  diagnostics: new Diagnostics(),
  selectedAlerts: 0,
  commands: 0,
  candidates: 0,
  evidenceCap: 20,
  generatedAt: Date.parse("2026-11-28T00:00:00Z"),
};

/** A writable that takes one write at a time, slowly, and keeps what it was given. */
function slowSink(highWaterMark = 1024) {
  const writes: number[] = [];
  let text = "";
  const sink = new Writable({
    highWaterMark,
    decodeStrings: false,
    write(chunk: string, _encoding, done) {
      writes.push(chunk.length);
      text += chunk;
      setImmediate(done);
    },
  });
  return { sink, writes, text: () => text };
}

describe("writeHtmlReport", () => {
  it("writes a large report whole and in order, in bounded pieces, to a slow stream", async () => {
    const records = makeReportRecords(3000);
    const { sink, writes, text } = slowSink();
    await writeHtmlReport(sink, records, RUN);
    const html = text();
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html.trimEnd().endsWith("</html>")).toBe(true);
    expect(html.match(/<section class="shell"/g)).toHaveLength(
      new Set(records.map((r) => `${r.HostName} ${r.ShellLocation}`)).size,
    );
    expect(html.match(/<tr class="command">/g)).toHaveLength(records.length);
    // Long summary lists come in tables of at most 100 rows, each in a block laid out only when scrolled to.
    const attackerTables = [...html.matchAll(/<table class="attackers">[\s\S]*?<\/table>/g)].map(
      (table) => table[0].match(/<tr><td>/g)?.length ?? 0,
    );
    expect(attackerTables.length).toBeGreaterThan(1);
    expect(Math.max(...attackerTables)).toBe(100);
    expect(attackerTables.reduce((sum, rows) => sum + rows, 0)).toBe(
      new Set(records.map((r) => r.AttackerIP)).size,
    );
    expect(html.match(/<div class="part( more)?"><table class="attackers">/g)).toHaveLength(
      attackerTables.length,
    );
    // About 64 K characters a write, never the document at once.
    expect(writes.length).toBeGreaterThan(html.length / (128 * 1024));
    expect(Math.max(...writes)).toBeLessThan(80 * 1024);
  });

  it("cuts a shell's long timeline into tables of 100 rows, each with the head print repeats", async () => {
    const records = makeReportRecords(450).map((r) => ({
      ...r,
      HostName: "web01",
      ShellLocation: "/x.aspx",
    }));
    const { sink, text } = slowSink();
    await writeHtmlReport(sink, records, RUN);
    const tables = [
      ...text().matchAll(/<div class="part( more)?"><table class="timeline">([\s\S]*?)<\/table><\/div>/g),
    ];
    const rows = tables.map((table) => table[2]!.match(/<tr class="(request|command)">/g)?.length ?? 0);
    expect(rows.slice(0, -1).every((n) => n === 100)).toBe(true);
    expect(rows.reduce((sum, n) => sum + n, 0)).toBe(
      (text().match(/<tr class="(request|command)">/g) ?? []).length,
    );
    expect(rows.length).toBeGreaterThan(4);
    expect(tables.every((table) => table[2]!.includes("<thead><tr><th>Time (UTC)</th>"))).toBe(true);
    expect(tables.map((table) => table[1] ?? "")).toEqual([
      "",
      ...Array<string>(tables.length - 1).fill(" more"),
    ]);
  });

  it("allows by its policy's hash exactly the style sheet it carries, and nothing else", async () => {
    const { sink, text } = slowSink();
    await writeHtmlReport(sink, [], RUN);
    const html = text();
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/
      .exec(html)![1]!
      .replace(/&#39;/g, "'");
    const style = /<style>([\s\S]*)<\/style>/.exec(html)![1]!;
    const hash = createHash("sha256").update(style).digest("base64");
    expect(csp).toBe(`default-src 'none'; style-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'`);
    expect(html).toContain("No findings");
  });

  it("fails with the stream's error, and stops rendering", async () => {
    let writes = 0;
    const broken = new Writable({
      write(_chunk, _encoding, done) {
        writes += 1;
        done(Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" }));
      },
    });
    await expect(writeHtmlReport(broken, makeReportRecords(2000), RUN)).rejects.toThrow(/ENOSPC/);
    expect(writes).toBe(1);
  });
});
