import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

import { describe, expect, it } from "vitest";

import { Diagnostics } from "../../../../lib/core/Diagnostics.js";
import { emptyWebRequest, type WebRequest } from "../../../../lib/core/model/WebRequest.js";
import { makeStemFilter } from "../../../../lib/core/scriptStemFilter.js";
import { BAD_TIME_REASON, NO_TIME_REASON } from "../../../../lib/readers/iis/ExportRowSink.js";
import type { IisFileReadOptions } from "../../../../lib/readers/iis/IisReadOptions.js";
import { readIisExport } from "../../../../lib/readers/iis/readIisExport.js";
import { scratchDir } from "../../../support/scratchDir.js";

const fixture = (name: string) => fileURLToPath(new URL(`../../../fixtures/iis/${name}`, import.meta.url));

async function read(
  path: string,
  format: "json" | "jsonl" | "csv",
  options: Partial<IisFileReadOptions> = {},
) {
  const diagnostics = new Diagnostics(100);
  const requests: WebRequest[] = [];
  const counts = await readIisExport(path, format, { diagnostics, ...options }, (request) =>
    requests.push(request),
  );
  return { requests, counts, skips: diagnostics.inputs.get(path)?.examples ?? [] };
}

/** The shell request every export fixture starts with, as the engine should see it. */
const shellRequest: WebRequest = {
  ...emptyWebRequest,
  TimeGenerated: Date.parse("2023-04-18T16:20:01.053Z"),
  sSiteName: "W3SVC1",
  Computer: "WEB01.contoso.example",
  sIP: "10.0.0.4",
  sPort: 443,
  csMethod: "POST",
  csUriStem: "/uploads/shell.aspx",
  csUriQuery: "cmd=whoami",
  cIP: "203.0.113.7",
  csUserAgent: "python-requests/2.28.1",
  csHost: "www.contoso.example",
  scStatus: "200",
  scSubStatus: "0",
  scWin32Status: "0",
  scBytes: 733,
  csBytes: 289,
  TimeTaken: 1204,
};

describe("readIisExport: JSON array", () => {
  it("maps W3CIISLog columns whatever their case, numbers given as strings, and '-' or null as empty", async () => {
    const { requests } = await read(fixture("w3ciislog_export.json"), "json");
    expect(requests[0]).toEqual({
      ...shellRequest,
      _ResourceId:
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/web/providers/microsoft.compute/virtualmachines/web01",
    });
    expect(requests[1]).toMatchObject({ scStatus: "304", TimeTaken: 0, csUriStem: "/content/site.css" });
    expect(requests[2]).toMatchObject({
      TimeGenerated: Date.UTC(2023, 3, 18, 16, 21, 30),
      csUriStem: "/uploads/shell.aspx",
      cIP: "203.0.113.7",
      // Header values as W3CIISLog stores them, `+` for a space (docs/design.md §4.10).
      csUserAgent: "Mozilla/5.0+(Windows+NT+10.0)",
      XForwardedFor: "203.0.113.7,+10.0.0.10",
    });
  });

  it("skips rows without a TimeGenerated and elements that are not objects, by element number", async () => {
    const path = fixture("w3ciislog_export.json");
    const { counts, skips } = await read(path, "json");
    expect(counts).toEqual({ read: 3, skipped: 2, accepted: 3, rowsWithoutHost: 1 });
    expect(skips).toEqual([
      { source: path, line: 3, reason: NO_TIME_REASON },
      { source: path, line: 4, reason: "expected a row object, found string" },
    ]);
  });
});

describe("readIisExport: JSON lines", () => {
  it("reads each object line and skips bad lines by line number, blank lines ignored", async () => {
    const path = fixture("w3ciislog_export.jsonl");
    const { requests, counts, skips } = await read(path, "jsonl");
    expect(requests.map((r) => r.TimeGenerated)).toEqual([
      Date.parse("2023-04-18T16:20:01.053Z"),
      Date.parse("2023-04-18T16:20:09.000Z"),
      Date.parse("2023-04-18T16:20:12.000Z"),
    ]);
    expect(requests[0]).toMatchObject({ XForwardedFor: "203.0.113.7", sPort: 443, TimeTaken: 1204 });
    expect(requests[2]?.sPort).toBe(443);
    expect(counts).toMatchObject({ read: 3, skipped: 3 });
    expect(skips).toEqual([
      { source: path, line: 4, reason: expect.stringMatching(/^not valid JSON: /) },
      { source: path, line: 5, reason: BAD_TIME_REASON },
      { source: path, line: 6, reason: "expected a JSON object on each line, found array" },
    ]);
  });
});

describe("readIisExport: the portal's CSV", () => {
  it("reads the portal's time format, quoted commas and quotes, and a field with a line break", async () => {
    const { requests } = await read(fixture("w3ciislog_export_portal.csv"), "csv");
    expect(requests).toHaveLength(4);
    expect(requests[0]).toEqual(shellRequest);
    expect(requests[1]).toMatchObject({
      TimeGenerated: Date.parse("2023-04-18T16:20:05.120Z"),
      csUriQuery: "cmd=dir,c:\\",
      csUserName: "",
      csUserAgent: 'Mozilla/5.0 (compatible; "Scanner", v2)',
    });
    expect(requests[2]?.csUriQuery).toBe("cmd=type\r\nc:\\inetpub\\web.config");
  });

  it("reports bad rows at the line where their record starts, after a record spanning two lines", async () => {
    const path = fixture("w3ciislog_export_portal.csv");
    const { counts, skips } = await read(path, "csv");
    expect(counts).toMatchObject({ read: 4, skipped: 2, accepted: 4 });
    expect(skips).toEqual([
      { source: path, line: 6, reason: BAD_TIME_REASON },
      { source: path, line: 7, reason: "expected 24 columns (header at line 1), found 4" },
    ]);
  });

  it("drops the rows whose stem the filter rejects, counting them as read", async () => {
    const { requests } = await read(fixture("w3ciislog_export_portal.csv"), "csv", {
      acceptStem: makeStemFilter([".aspx"]),
    });
    expect(requests.map((r) => r.csUriStem)).toEqual([
      "/uploads/shell.aspx",
      "/uploads/shell.aspx",
      "/uploads/shell.aspx",
      "/default.aspx",
    ]);
    const shellOnly = await read(fixture("w3ciislog_export_portal.csv"), "csv", {
      acceptStem: makeStemFilter(["shell"]),
    });
    expect(shellOnly.requests).toHaveLength(3);
    expect(shellOnly.counts).toMatchObject({ read: 5, skipped: 1, accepted: 3 });
  });
});

describe("readIisExport on broken files", () => {
  const scratch = scratchDir("iis-export-");
  const file = (name: string, content: string | Buffer) => scratch.write(name, content);

  it("reports a CSV without a TimeGenerated column once, at its header", async () => {
    const path = await file("no-time.csv", "Computer,csUriStem\nWEB01,/x.aspx\n");
    const { counts, skips } = await read(path, "csv");
    expect(counts).toMatchObject({ read: 0, skipped: 1 });
    expect(skips[0]?.line).toBe(1);
    expect(skips[0]?.reason).toMatch(/no TimeGenerated column/);
  });

  it("keeps the rows before a CSV syntax error and reports the error", async () => {
    const path = await file(
      "quote.csv",
      'TimeGenerated,csUriStem\n2023-04-18T16:20:01Z,/a.aspx\n2023-04-18T16:20:02Z,"/b.aspx\n',
    );
    const { requests, skips } = await read(path, "csv");
    expect(requests.map((r) => r.csUriStem)).toEqual(["/a.aspx"]);
    expect(skips[0]?.reason).toMatch(/^not valid CSV: Quote Not Closed.*\(CSV_QUOTE_NOT_CLOSED\)/);
  });

  it("reports invalid JSON at its line, and reads a query answer or a single row object", async () => {
    const invalid = await read(await file("bad.json", '[{"TimeGenerated": '), "json");
    expect(invalid.skips.map((skip) => [skip.line, skip.reason])).toEqual([
      [1, expect.stringMatching(/^not valid JSON: /)],
    ]);
    const answer = await read(await file("answer.json", '{"tables": []}'), "json");
    expect(answer).toMatchObject({ requests: [], skips: [] });
    const object = await read(await file("object.json", '{"csUriStem": "/x.aspx"}'), "json");
    expect(object.skips).toEqual([{ source: expect.any(String), line: 1, reason: NO_TIME_REASON }]);
  });

  it("refuses a TimeGenerated that is not text: exports write timestamps as strings", async () => {
    const path = await file("epoch.json", '[{"TimeGenerated": 1681834801053, "csUriStem": "/x.aspx"}]');
    const { counts, skips } = await read(path, "json");
    expect(counts).toMatchObject({ accepted: 0, skipped: 1 });
    expect(skips[0]?.reason).toBe(BAD_TIME_REASON);
  });

  it("reads gzip exports, and keeps the rows before a truncation", async () => {
    const text = await readFile(fixture("w3ciislog_export.jsonl"));
    const whole = await read(await file("export.jsonl.gz", gzipSync(text)), "jsonl");
    expect(whole.counts.accepted).toBe(3);
    const lines = Array.from({ length: 2000 }, (_, i) =>
      JSON.stringify({ TimeGenerated: new Date(i * 1000).toISOString(), n: Math.random() }),
    );
    const zipped = gzipSync(lines.join("\n"));
    const truncated = await read(await file("cut.jsonl.gz", zipped.subarray(0, zipped.length >> 1)), "jsonl");
    expect(truncated.counts.accepted).toBeGreaterThan(0);
    expect(truncated.counts.accepted).toBeLessThan(2000);
    expect(truncated.skips.at(-1)?.reason).toMatch(/^gzip data is truncated or corrupt/);
  });

  it("fills both host columns with defaultHost only for rows that carry no host", async () => {
    const { requests, counts } = await read(fixture("w3ciislog_export.json"), "json", {
      defaultHost: "web01",
    });
    expect(requests.map((r) => [r.sComputerName, r.Computer])).toEqual([
      ["", "WEB01.contoso.example"],
      ["", "WEB01.contoso.example"],
      ["web01", "web01"],
    ]);
    expect(counts.rowsWithoutHost).toBe(0);
  });
});
