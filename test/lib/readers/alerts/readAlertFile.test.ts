import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { beforeAll, describe, expect, it } from "vitest";

import { Diagnostics } from "../../../../lib/core/Diagnostics.js";
import { InputError } from "../../../../lib/core/errors.js";
import type { AlertRow } from "../../../../lib/core/model/AlertRow.js";
import { readAlertFile } from "../../../../lib/readers/alerts/readAlertFile.js";
import { scratchDir } from "../../../support/scratchDir.js";

const fixture = (name: string) => fileURLToPath(new URL(`../../../fixtures/alerts/${name}`, import.meta.url));
const STIX = fixture("stix-shifter_azure_log_analytics_SecurityAlert_rows.json");

const ASC_ID = "fac479ec-3566-dce6-0ae3-a90c4af39175";
const MDATP_ID = "6092461b-5418-9bae-c7c8-dd1e29b8f83a";

/** The two real rows as every format must read them (times truncated to the millisecond). */
const EXPECTED = [
  {
    SystemAlertId: ASC_ID,
    AlertName: "[SAMPLE ALERT] Digital currency mining related behavior detected",
    ProviderName: "Azure Security Center",
    ProductName: "Azure Security Center",
    TimeGenerated: Date.UTC(2023, 2, 22, 7, 27, 56, 188),
    StartTime: Date.UTC(2023, 2, 22, 7, 27, 9, 489),
    EndTime: Date.UTC(2023, 2, 22, 7, 27, 9, 489),
    CompromisedEntity: "Sample-VM",
  },
  {
    SystemAlertId: MDATP_ID,
    AlertName: "[Test Alert] Suspicious Powershell commandline",
    ProviderName: "MDATP",
    ProductName: "Microsoft Defender Advanced Threat Protection",
    TimeGenerated: Date.UTC(2023, 3, 18, 16, 20, 1, 53),
    StartTime: Date.UTC(2023, 3, 18, 13, 10, 9, 91),
    EndTime: Date.UTC(2023, 3, 18, 16, 8, 28, 583),
    CompromisedEntity: "alert-windows",
  },
];

let sampleRows: Record<string, unknown>[];
const scratch = scratchDir("alert-files-");
const write = (name: string, content: string | Uint8Array) => scratch.write(name, content);

beforeAll(async () => {
  sampleRows = (JSON.parse(await readFile(STIX, "utf8")) as { rows: Record<string, unknown>[] }).rows;
});

async function read(path: string) {
  const diagnostics = new Diagnostics(10);
  const rows = await readAlertFile(path, diagnostics);
  const counts = diagnostics.inputs.get(path);
  const skips = counts?.examples.map(({ line, reason }) => ({ line, reason })) ?? [];
  return { rows, read: counts?.read, skips, warnings: diagnostics.warnings };
}

const withoutOrigin = (rows: AlertRow[]) =>
  rows.map(({ origin: _origin, Entities: _entities, ...rest }) => rest);

describe("readAlertFile reads the two real rows from every export format", () => {
  it.each([
    ['{"rows": [...]} (stix-shifter)', STIX, [1, 2]],
    ["JSON lines", fixture("alerts.jsonl"), [1, 2]],
    ["portal CSV with [UTC] headers and quoted Entities", fixture("alerts-portal.csv"), [2, 3]],
    ["Log Analytics query API response", fixture("alerts-la-response.json"), [1, 2]],
  ])("%s", async (_format, path, lines) => {
    const { rows, read: count, skips } = await read(path);
    expect(withoutOrigin(rows)).toEqual(EXPECTED);
    expect(rows.map((row) => row.origin)).toEqual(lines.map((line) => ({ source: path, line })));
    expect(rows.map((row) => row.Entities)).toEqual(sampleRows.map((row) => row.Entities));
    expect(count).toBe(2);
    expect(skips).toEqual([]);
  });

  it("a JSON array of rows, keeping an already parsed Entities as it is", async () => {
    const entities = JSON.parse(sampleRows[1]?.Entities as string) as unknown;
    const path = await write(
      "array.json",
      JSON.stringify([sampleRows[0], { ...sampleRows[1], Entities: entities }]),
    );
    const { rows } = await read(path);
    expect(withoutOrigin(rows)).toEqual(EXPECTED);
    expect(rows[1]?.Entities).toEqual(entities);
  });

  it('{"value": [...]}', async () => {
    const { rows } = await read(await write("value.json", JSON.stringify({ value: sampleRows })));
    expect(withoutOrigin(rows)).toEqual(EXPECTED);
  });

  it("a file starting with a UTF-8 byte order mark", async () => {
    const jsonl = await readFile(fixture("alerts.jsonl"), "utf8");
    const { rows } = await read(await write("bom.jsonl", `\uFEFF${jsonl}`));
    expect(rows.map((row) => row.SystemAlertId)).toEqual([ASC_ID, MDATP_ID]);
  });
});

describe("readAlertFile skips bad rows and reads the good ones", () => {
  it("JSON lines: reports the broken line, the row without an id and the unreadable time with their lines", async () => {
    const path = fixture("alerts-one-broken.jsonl");
    const { rows, read: count, skips } = await read(path);
    expect(rows.map((row) => [row.SystemAlertId, row.origin.line])).toEqual([
      [ASC_ID, 1],
      [MDATP_ID, 3],
    ]);
    expect(count).toBe(2);
    expect(skips).toEqual([
      { line: 2, reason: expect.stringMatching(/^not valid JSON: /) as unknown },
      { line: 4, reason: "SystemAlertId is missing or empty: expected the alert's id" },
      {
        line: 6,
        reason: expect.stringMatching(
          /^TimeGenerated "yesterday" is not a timestamp: expected ISO 8601/,
        ) as unknown,
      },
    ]);
  });

  it("portal CSV: reports the unreadable time and the short record at the lines where they start", async () => {
    const path = fixture("alerts-one-broken.csv");
    const { rows, skips } = await read(path);
    expect(rows.map((row) => [row.SystemAlertId, row.origin.line])).toEqual([
      [ASC_ID, 2],
      [MDATP_ID, 3],
    ]);
    expect(skips).toEqual([
      { line: 5, reason: expect.stringMatching(/^TimeGenerated "not a time" is not a timestamp/) as unknown },
      { line: 7, reason: "expected 34 columns (header at line 1), found 3" },
    ]);
  });

  it("JSON array: reports a row without an id and an element that is not a row by their position", async () => {
    const path = await write(
      "some-bad.json",
      JSON.stringify([{ ...sampleRows[0], SystemAlertId: "" }, 42, sampleRows[1]]),
    );
    const { rows, skips } = await read(path);
    expect(rows.map((row) => [row.SystemAlertId, row.origin.line])).toEqual([[MDATP_ID, 3]]);
    expect(skips).toEqual([
      { line: 1, reason: "SystemAlertId is missing or empty: expected the alert's id" },
      { line: 2, reason: "expected a row object, found number" },
    ]);
  });

  it("query response: reads the rows of a partial result and warns about its error", async () => {
    const response = JSON.parse(await readFile(fixture("alerts-la-response.json"), "utf8")) as object;
    const partial = { ...response, error: { code: "PartialError", message: "Query exceeded the row limit" } };
    const path = await write("partial.json", JSON.stringify(partial));
    const { rows, warnings } = await read(path);
    expect(rows).toHaveLength(2);
    expect(warnings).toEqual([
      `${path}: the query response reports an error beside its tables: Query exceeded the row limit`,
    ]);
  });

  it("a JSON array broken before its first row: read as lines, the broken line reported", async () => {
    const path = await write("broken.json", '[{"SystemAlertId": "a",');
    const { rows, skips } = await read(path);
    expect(rows).toEqual([]);
    expect(skips).toEqual([{ line: 1, reason: expect.stringMatching(/^not valid JSON: /) as unknown }]);
  });

  it("an empty file gives no rows and a warning", async () => {
    const path = await write("empty.json", "  \n");
    const { rows, read: count, warnings } = await read(path);
    expect(rows).toEqual([]);
    expect(count).toBe(0);
    expect(warnings).toEqual([`${path}: the file is empty`]);
  });
});

describe("readAlertFile refuses files it cannot read at all", () => {
  const rejection = async (path: string) => {
    const error = await readAlertFile(path, new Diagnostics()).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).path).toBe(path);
    return (error as InputError).message;
  };

  it("a missing file, naming the path and the OS reason", async () => {
    const path = join(scratch.path, "no-such-alerts.json");
    expect(await rejection(path)).toMatch(
      new RegExp(
        `^cannot read alert input ${path}: expected a readable file or folder \\(ENOENT: no such file`,
      ),
    );
  });

  it("a directory", async () => {
    expect(await rejection(scratch.path)).toMatch(/expected a readable file or folder \(EISDIR/);
  });

  it("JSON of no known shape, saying which shapes are accepted", async () => {
    const message = await rejection(await write("other.json", '{"alerts": [], "count": 0}'));
    expect(message).toMatch(
      /is JSON but not a SecurityAlert export: expected a JSON array of rows, JSON lines/,
    );
    expect(message).toMatch(/"tables"/);
    expect(message).toMatch(/found an object with keys alerts, count$/);
  });

  it("UTF-16, with the fix", async () => {
    const jsonl = await readFile(fixture("alerts.jsonl"), "utf8");
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(jsonl, "utf16le")]);
    expect(await rejection(await write("utf16.jsonl", utf16))).toMatch(
      /UTF-16 LE text \(byte order mark FF FE\) is not supported: expected UTF-8/,
    );
  });

  it("a CSV whose times are not in UTC", async () => {
    const csv = (await readFile(fixture("alerts-portal.csv"), "utf8")).replace(
      "TimeGenerated [UTC]",
      "TimeGenerated [Local Time]",
    );
    expect(await rejection(await write("local.csv", csv))).toMatch(
      /holds times in "Local Time": expected UTC/,
    );
  });

  it("a CSV without the SecurityAlert columns", async () => {
    expect(await rejection(await write("other.csv", "Computer,TimeGenerated\nweb01,2023-04-18\n"))).toMatch(
      /expected a CSV header with the SecurityAlert columns SystemAlertId and TimeGenerated; missing SystemAlertId/,
    );
  });
});
