import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { Diagnostics } from "../../../../lib/core/Diagnostics.js";
import { InputError } from "../../../../lib/core/errors.js";
import type { WebRequest } from "../../../../lib/core/model/WebRequest.js";
import { makeStemFilter } from "../../../../lib/core/scriptStemFilter.js";
import type { IisFileReadOptions } from "../../../../lib/readers/iis/IisReadOptions.js";
import { readW3cFile } from "../../../../lib/readers/w3c/readW3cFile.js";
import { W3cChunkParser } from "../../../../lib/readers/w3c/W3cChunkParser.js";
import { BAD_DATE_TIME_REASON } from "../../../../lib/readers/w3c/w3cSkipReasons.js";

const SCRIPT = [".php", ".jsp", ".js", ".aspx", ".asmx", ".asax", ".cfm", ".shtml"];
const fixture = (name: string) => fileURLToPath(new URL(`../../../fixtures/iis/${name}`, import.meta.url));

async function read(path: string, options: Partial<IisFileReadOptions> = {}) {
  const diagnostics = new Diagnostics(100);
  const requests: WebRequest[] = [];
  const counts = await readW3cFile(path, { diagnostics, ...options }, (request) => requests.push(request));
  return { requests, counts, diagnostics, skips: diagnostics.inputs.get(path)?.examples ?? [] };
}

describe("readW3cFile on the real IIS samples", () => {
  it("reads every line of the IIS 7.0 log (CRLF, repeated headers, with s-sitename)", async () => {
    const { requests, counts, skips } = await read(fixture("u_ex100815.log"));
    expect(counts).toEqual({ read: 16, skipped: 0, accepted: 16, rowsWithoutHost: 16 });
    expect(skips).toEqual([]);
    expect(requests[0]).toEqual({
      TimeGenerated: Date.UTC(2010, 7, 15, 0, 39, 30),
      sSiteName: "W3SVC20",
      sComputerName: "",
      Computer: "",
      _ResourceId: "",
      sIP: "67.222.136.138",
      sPort: 80,
      csMethod: "GET",
      csUriStem: "/",
      csUriQuery: "",
      csUserName: "",
      cIP: "77.88.25.28",
      // As logged, `+` for each space (docs/design.md §4.10): W3CIISLog stores it so, and a query can paste it.
      csUserAgent: "Mozilla/5.0+(compatible;+YandexBot/3.0;++http://yandex.com/bots)",
      csReferer: "",
      csHost: "",
      scStatus: "200",
      scSubStatus: "0",
      scWin32Status: "0",
      scBytes: 8999,
      csBytes: 286,
      TimeTaken: 376,
      XForwardedFor: "",
    });
    expect(requests.at(-1)?.TimeGenerated).toBe(Date.UTC(2010, 7, 15, 22, 51, 1));
  });

  it("reads the IIS 8.5 log (LF, no s-sitename, no byte counts) with empty site and undefined sizes", async () => {
    const { requests, counts } = await read(fixture("u_ex160110.log"));
    expect(counts.accepted).toBe(28);
    expect(
      requests.every((r) => r.sSiteName === "" && r.scBytes === undefined && r.csBytes === undefined),
    ).toBe(true);
    expect(requests[0]).toMatchObject({
      TimeGenerated: Date.UTC(2016, 0, 10, 0, 7, 26),
      sIP: "172.31.22.76",
      csUriStem: "/httptest.php",
      csUserAgent: "",
      csReferer: "",
      scStatus: "404",
      scWin32Status: "2",
      TimeTaken: 591,
    });
    expect(requests[1]?.csUserAgent).toBe(
      "Mozilla/5.0+(compatible;+Googlebot/2.1;++http://www.google.com/bot.html)",
    );
  });

  it("hands over only script pages when given the stem filter, and counts the others as read", async () => {
    const { requests, counts } = await read(fixture("u_ex160110.log"), {
      acceptStem: makeStemFilter(SCRIPT),
    });
    expect(counts).toEqual({ read: 28, skipped: 0, accepted: 10, rowsWithoutHost: 10 });
    expect(new Set(requests.map((r) => r.csUriStem))).toEqual(new Set(["/httptest.php"]));
  });

  it("names the machine after defaultHost when the log has no s-computername", async () => {
    const { requests, counts } = await read(fixture("u_ex160110.log"), { defaultHost: "web01" });
    expect(counts.rowsWithoutHost).toBe(0);
    expect(requests.every((r) => r.sComputerName === "web01" && r.Computer === "web01")).toBe(true);
  });
});

describe("readW3cFile on real-shaped logs", () => {
  it("reads s-computername, cs-host, the referer and the X-Forwarded-For custom field", async () => {
    const { requests, counts } = await read(fixture("u_ex230418_computername.log"), {
      defaultHost: "ignored",
    });
    expect(counts).toEqual({ read: 3, skipped: 0, accepted: 3, rowsWithoutHost: 0 });
    expect(requests[1]).toMatchObject({
      TimeGenerated: Date.UTC(2023, 3, 18, 16, 20, 1),
      sComputerName: "WEB01",
      Computer: "ignored", // --iis-host names the machine that collected the file; s-computername stays as logged
      csMethod: "POST",
      csUriStem: "/uploads/shell.aspx",
      csUriQuery: "cmd=whoami",
      sPort: 443,
      csUserAgent: "python-requests/2.28.1",
      csReferer: "https://www.contoso.example/uploads/",
      csHost: "www.contoso.example",
      TimeTaken: 1204,
      XForwardedFor: "203.0.113.7,+10.0.0.10",
    });
    expect(requests[0]?.XForwardedFor).toBe("198.51.100.23");
    expect(requests[2]?.XForwardedFor).toBe("");
  });

  it("follows a #Fields directive that changes the fields and their order mid-file", async () => {
    const { requests, counts } = await read(fixture("u_ex230419_fields_change.log"));
    expect(counts).toEqual({ read: 4, skipped: 0, accepted: 4, rowsWithoutHost: 2 });
    expect(requests[1]).toMatchObject({
      csUriStem: "/img/logo.png",
      csReferer: "http://web02.example/index.php",
    });
    expect(requests[2]).toEqual(
      expect.objectContaining({
        TimeGenerated: Date.UTC(2023, 3, 19, 9, 12, 10),
        sComputerName: "WEB02",
        cIP: "192.0.2.80",
        csUriStem: "/admin/upload.php",
        scStatus: "200",
        csUserAgent: "curl/8.0.1",
        TimeTaken: 47,
        scBytes: 1022,
        csBytes: 640,
        csMethod: "", // not logged under the second header
      }),
    );
  });

  it("reads the good lines around broken ones and reports each broken one with its line and what was expected", async () => {
    const path = fixture("u_ex230420_broken.log");
    const { requests, counts, skips } = await read(path);
    expect(requests.map((r) => r.TimeGenerated)).toEqual([
      Date.UTC(2023, 3, 20, 10, 0, 1),
      Date.UTC(2023, 3, 20, 10, 0, 6),
    ]);
    expect(counts).toMatchObject({ read: 2, skipped: 5, accepted: 2 });
    expect(BAD_DATE_TIME_REASON).toMatch(/^bad date or time: expected date YYYY-MM-DD and time hh:mm/);
    expect(skips).toEqual([
      {
        source: path,
        line: 1,
        reason: "no #Fields directive before this line: expected a W3C extended log header",
      },
      { source: path, line: 7, reason: "expected 14 fields (#Fields at line 5), found 12" },
      { source: path, line: 8, reason: "expected 14 fields (#Fields at line 5), found 15" },
      { source: path, line: 9, reason: BAD_DATE_TIME_REASON },
      { source: path, line: 10, reason: BAD_DATE_TIME_REASON },
    ]);
  });

  it("counts its read lines into the diagnostics under the file's path", async () => {
    const path = fixture("u_ex230420_broken.log");
    const { diagnostics } = await read(path);
    expect(diagnostics.inputs.get(path)).toMatchObject({ read: 2, skipped: 5 });
  });
});

describe("readW3cFile on gzip files", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "w3c-gzip-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("gunzips while reading and gives the same requests as the plain file", async () => {
    const plain = await read(fixture("u_ex100815.log"));
    const path = join(dir, "u_ex100815.log.gz");
    await writeFile(path, gzipSync(await readFile(fixture("u_ex100815.log"))));
    const gzip = await read(path, { bufferSize: 7 });
    expect(gzip.requests).toEqual(plain.requests);
    expect(gzip.counts).toEqual(plain.counts);
  });

  it("keeps the rows before a truncation and reports the truncation instead of failing", async () => {
    const text = await readFile(fixture("u_ex160110.log"));
    const whole = gzipSync(text, { level: 1 });
    const path = join(dir, "truncated.log.gz");
    await writeFile(path, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const { requests, counts, skips } = await read(path, { bufferSize: 256 });
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.length).toBeLessThan(28);
    expect(counts.skipped).toBe(1);
    expect(skips[0]?.reason).toMatch(/^gzip data is truncated or corrupt \(unexpected end of file\)/);
    expect(skips[0]?.line).toBeGreaterThan(requests.length);
  });
});

describe("readW3cFile on unreadable input", () => {
  it("throws InputError naming the path and the system's reason when the file does not exist", async () => {
    const path = join(tmpdir(), "no-such-dir-w3c", "u_ex000000.log");
    const error: unknown = await read(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).path).toBe(path);
    expect((error as InputError).message).toContain("ENOENT");
  });

  it("refuses a read size that is not a positive whole number", async () => {
    await expect(read(fixture("u_ex100815.log"), { bufferSize: 0 })).rejects.toThrow(/bufferSize must be/);
  });
});

describe("W3cChunkParser", () => {
  it("skips a line longer than its limit, with its number, and reads the lines after it", () => {
    const diagnostics = new Diagnostics();
    const requests: WebRequest[] = [];
    const parser = new W3cChunkParser("big.log", { diagnostics, maxLineBytes: 64 }, (r) => requests.push(r));
    const long = `2023-04-18 16:20:01 /${"a".repeat(200)}.aspx`;
    for (const piece of [
      "#Fields: date time cs-uri-stem\n",
      long.slice(0, 50),
      long.slice(50),
      "\n",
      "2023-04-18 16:20:02 /x.aspx\n",
    ]) {
      parser.push(Buffer.from(piece));
    }
    parser.end();
    expect(requests.map((r) => r.csUriStem)).toEqual(["/x.aspx"]);
    expect(diagnostics.inputs.get("big.log")?.examples).toEqual([
      { source: "big.log", line: 2, reason: "line longer than 64 bytes: expected a W3C log line" },
    ]);
  });

  it("reads a last line that has no newline", () => {
    const requests: WebRequest[] = [];
    const parser = new W3cChunkParser("x.log", { diagnostics: new Diagnostics() }, (r) => requests.push(r));
    parser.push(Buffer.from("#Fields: date time cs-uri-stem\r\n2023-04-18 16:20:01 /a.aspx"));
    expect(requests).toHaveLength(0);
    parser.end();
    expect(requests.map((r) => r.csUriStem)).toEqual(["/a.aspx"]);
  });

  it("turns invalid UTF-8 into replacement characters instead of failing", () => {
    const requests: WebRequest[] = [];
    const parser = new W3cChunkParser("x.log", { diagnostics: new Diagnostics() }, (r) => requests.push(r));
    parser.push(Buffer.from("#Fields: date time cs-uri-stem cs(User-Agent)\n"));
    parser.push(
      Buffer.concat([
        Buffer.from("2023-04-18 16:20:01 /a"),
        Buffer.from([0xff, 0xe2]),
        Buffer.from(".aspx Agent+\xe9\n", "latin1"),
      ]),
    );
    parser.end();
    expect(requests.map((r) => [r.csUriStem, r.csUserAgent])).toEqual([
      ["/a\ufffd\ufffd.aspx", "Agent+\ufffd"],
    ]);
  });
});
