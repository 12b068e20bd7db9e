import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

import fc from "fast-check";

import { Diagnostics } from "../../lib/core/Diagnostics.js";
import { readAlertFile } from "../../lib/readers/alerts/readAlertFile.js";
import { readIisInputs } from "../../lib/readers/iis/readIisInputs.js";

/** How many random cases each property tries (reported in docs/reliability.md). */
export const PROPERTY_RUNS = { w3c: 300, alerts: 200, gzip: 100 } as const;

const HEADER = [
  "#Software: Microsoft Internet Information Services 10.0",
  "#Version: 1.0",
  "#Date: 2026-11-20 09:00:00",
  "#Fields: date time s-sitename s-computername s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username " +
    "c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken",
];
const STEMS = ["/default.aspx", "/uploads/help.aspx", "/api/v1/items.asmx", "/styles/site.css", "/index.php"];

/** A valid W3C data line whose client address and time make it unique (`key` finds its request again). */
export function goodW3cLine(i: number): { line: string; key: string } {
  const time = `09:${String(Math.floor(i / 60) % 60).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}`;
  const ip = `198.51.${100 + Math.floor(i / 250)}.${i % 250}`;
  return {
    line:
      `2026-11-20 ${time} W3SVC1 WEB01 10.1.0.11 GET ${STEMS[i % STEMS.length]} q=${i} 443 - ${ip} ` +
      `Mozilla/5.0+(test+${i}) - 200 0 0 ${i % 900}`,
    key: `${Date.parse(`2026-11-20T${time}Z`)} ${ip}`,
  };
}

/** One way to break a line: the line's bytes go in, the broken bytes come out. */
export type Corruption = (line: Buffer) => Buffer;

// Bytes that break lines in the ways real files do: controls, NUL, invalid UTF-8 lead and continuation bytes, a
// BOM, quotes, spaces (field count), tabs and line breaks (which split the line).
const NASTY = [
  0x00, 0x01, 0x07, 0x1b, 0x7f, 0x80, 0xbf, 0xc3, 0xe2, 0xf0, 0xfe, 0xff, 0x22, 0x20, 0x09, 0x0d, 0x0a,
];

/** Random corruptions of one line (each keeps the line from starting with `#`, which would make it a directive). */
export const corruption: fc.Arbitrary<Corruption> = fc.oneof(
  fc
    .tuple(fc.nat(), fc.array(fc.constantFrom(...NASTY), { minLength: 1, maxLength: 6 }))
    .map(([at, bytes]) => (line: Buffer) => {
      const cut = 1 + (at % Math.max(1, line.length - 1));
      return Buffer.concat([line.subarray(0, cut), Buffer.from(bytes), line.subarray(cut)]);
    }),
  fc.nat().map((at) => (line: Buffer) => line.subarray(0, at % line.length)),
  fc.uint8Array({ minLength: 1, maxLength: 80 }).map((bytes) => () => {
    const out = Buffer.from(bytes);
    if (out[0] === 0x23) out[0] = 0x24; // "#" → "$"
    return out;
  }),
  fc.nat().map((at) => (line: Buffer) => {
    const fields = line.toString("latin1").split(" ");
    fields.splice(at % fields.length, 1);
    return Buffer.from(fields.join(" "), "latin1");
  }),
  fc.constant((line: Buffer) => Buffer.concat([line, Buffer.from(" extra")])),
);

/** A valid W3C log of `count` lines with some lines corrupted; the keys of the lines left as they were. */
export function corruptW3c(
  count: number,
  broken: ReadonlyMap<number, Corruption>,
): { bytes: Buffer; intactKeys: string[] } {
  const intactKeys: string[] = [];
  const lines: Buffer[] = HEADER.map((line) => Buffer.from(line));
  for (let i = 0; i < count; i += 1) {
    const { line, key } = goodW3cLine(i);
    const corrupt = broken.get(i);
    if (corrupt === undefined) intactKeys.push(key);
    lines.push(corrupt === undefined ? Buffer.from(line) : corrupt(Buffer.from(line)));
  }
  const crlf = Buffer.from("\r\n");
  return { bytes: Buffer.concat(lines.flatMap((line) => [line, crlf])), intactKeys };
}

/** Every request the real reader gives for the file, as `time ip` keys, and what it reported. */
export async function readW3cKeys(path: string): Promise<{ keys: Set<string>; diagnostics: Diagnostics }> {
  const diagnostics = new Diagnostics();
  const keys = new Set<string>();
  await readIisInputs([{ path }], { diagnostics, bufferSize: 64 }, (request) => {
    keys.add(`${request.TimeGenerated} ${request.cIP}`);
  });
  return { keys, diagnostics };
}

/** A JSON-lines alert export of `count` good alerts, some lines corrupted; the ids of the intact ones. */
export function corruptAlerts(
  count: number,
  broken: ReadonlyMap<number, Corruption>,
): { bytes: Buffer; intactIds: string[] } {
  const intactIds: string[] = [];
  const lines: Buffer[] = [];
  for (let i = 0; i < count; i += 1) {
    const id = `alert-${i}`;
    const line = Buffer.from(
      JSON.stringify({
        TimeGenerated: `2026-11-20T10:${String(i % 60).padStart(2, "0")}:00Z`,
        SystemAlertId: id,
        ProviderName: "MDATP",
        Entities: JSON.stringify([
          { $id: "1", Type: "process", CommandLine: `cmd.exe /c echo "${i}" | more` },
        ]),
      }),
    );
    const corrupt = broken.get(i);
    if (corrupt === undefined) intactIds.push(id);
    lines.push(corrupt === undefined ? line : corrupt(line), Buffer.from("\n"));
  }
  return { bytes: Buffer.concat(lines), intactIds };
}

/** The alert ids the real reader accepts from the file. */
export async function readAlertIds(path: string): Promise<Set<string>> {
  const rows = await readAlertFile(path, new Diagnostics());
  return new Set(rows.map((row) => row.SystemAlertId));
}

/** A gzip of a valid W3C log, cut at `fraction` of its length, and the keys in line order of the whole log. */
export async function writeCutGzip(
  dir: string,
  count: number,
  fraction: number,
): Promise<{ path: string; keys: string[] }> {
  const { bytes, intactKeys } = corruptW3c(count, new Map());
  const gzip = gzipSync(bytes);
  const path = join(dir, `cut-${count}-${fraction}.log.gz`);
  await writeFile(path, gzip.subarray(0, Math.max(1, Math.floor(gzip.length * fraction))));
  return { path, keys: intactKeys };
}
