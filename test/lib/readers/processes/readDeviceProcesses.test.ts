import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

import { beforeAll, describe, expect, it } from "vitest";

import { Diagnostics } from "../../../../lib/core/Diagnostics.js";
import { InputError } from "../../../../lib/core/errors.js";
import { readDeviceProcesses } from "../../../../lib/readers/processes/readDeviceProcesses.js";
import { scratchDir } from "../../../support/scratchDir.js";

const fixture = (name: string) => fileURLToPath(new URL(`../../../fixtures/${name}`, import.meta.url));
const AH_CSV = fixture("processes/advanced-hunting.csv");
const AH_API = fixture("processes/advanced-hunting-api.json");

// The web-shell processes of the fixtures' session, in the order a reading finds them (net1.exe, listed before
// its parent net.exe, on the second reading).
const SESSION = ["7610", "7608", "7604", "7388", "7344", "7340", "7618"];

const scratch = scratchDir("process-files-");
const write = (name: string, content: string | Uint8Array) => scratch.write(name, content);
let results: Record<string, unknown>[];

beforeAll(async () => {
  results = (JSON.parse(await readFile(AH_API, "utf8")) as { Results: Record<string, unknown>[] }).Results;
});

async function read(...paths: string[]) {
  const diagnostics = new Diagnostics(10);
  const result = await readDeviceProcesses(paths, ["w3wp.exe"], diagnostics);
  const skips = [...diagnostics.inputs.values()].flatMap((counts) =>
    counts.examples.map(({ line, reason }) => ({ line, reason })),
  );
  return { ...result, ids: result.rows.map((row) => row.ProcessId), skips, diagnostics };
}

/** The fixture's rows as a Log Analytics export names them: `TimeGenerated`, no `Timestamp`. */
function asLogAnalytics(): Record<string, unknown>[] {
  return results.map(({ Timestamp, ...rest }) => ({ TimeGenerated: Timestamp, ...rest }));
}

/** The portal's "Export to CSV": `[UTC]` after time columns, times as `11/20/2026, 10:15:30.517 AM`. */
function portalCsv(rows: Record<string, unknown>[]): string {
  const columns = Object.keys(rows[0]!);
  const isTime = (name: string) => name === "TimeGenerated" || name.endsWith("CreationTime");
  const portalTime = (iso: string) => {
    const d = new Date(iso);
    const hour = d.getUTCHours() % 12 || 12;
    const pad = (n: number, w = 2) => String(n).padStart(w, "0");
    return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()}, ${hour}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)} ${d.getUTCHours() < 12 ? "AM" : "PM"}`;
  };
  const cell = (value: string) => (/[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
  const header = columns.map((name) => (isTime(name) ? `${name} [UTC]` : name)).join(",");
  const lines = rows.map((row) =>
    columns
      .map((name) => {
        const value = row[name];
        return cell(
          isTime(name) && typeof value === "string"
            ? portalTime(value)
            : typeof value === "string" || typeof value === "number"
              ? String(value)
              : "",
        );
      })
      .join(","),
  );
  return [header, ...lines].join("\r\n") + "\r\n";
}

describe("readDeviceProcesses", () => {
  it("reads an Advanced Hunting CSV export, keeps the session's web-shell processes and reports the bad row", async () => {
    const { ids, read: rows, passes, skips } = await read(AH_CSV);
    expect(ids).toEqual(SESSION);
    expect(rows).toBe(9);
    // Newest first: the second reading finds net1.exe, listed before its parent, and knows that a third finds none.
    expect(passes).toBe(2);
    expect(skips).toEqual([
      {
        line: 6,
        reason: 'ProcessCreationTime "soon" is not a timestamp: the process cannot be placed in time',
      },
    ]);
  });

  it("reads the advanced hunting API's answer, streamed past its Stats and Schema", async () => {
    const { ids, read: rows, skips } = await read(AH_API);
    expect(ids).toEqual(SESSION);
    expect(rows).toBe(9);
    expect(skips).toEqual([]);
  });

  it.each([
    ["a JSON array", "la.json", () => JSON.stringify(asLogAnalytics(), null, 2)],
    [
      "JSON lines",
      "la.jsonl",
      () =>
        asLogAnalytics()
          .map((row) => JSON.stringify(row))
          .join("\n"),
    ],
    ["the portal's CSV", "la.csv", () => portalCsv(asLogAnalytics())],
    [
      "a query answer",
      "answer.json",
      () => {
        const rows = asLogAnalytics();
        const columns = Object.keys(rows[0]!).map((name) => ({ name, type: "string" }));
        return JSON.stringify({
          tables: [{ name: "PrimaryResult", columns, rows: rows.map(Object.values) }],
        });
      },
    ],
  ])("reads a Log Analytics export as %s", async (_, name, content) => {
    const { ids, read: rows, skips } = await read(await write(name, content()));
    expect(ids).toEqual(SESSION);
    expect(rows).toBe(9);
    expect(skips).toEqual([]);
  });

  it("reads an export in time order once", async () => {
    const oldestFirst = [...asLogAnalytics()].reverse();
    const { ids, passes } = await read(await write("oldest-first.json", JSON.stringify(oldestFirst)));
    expect(ids.sort()).toEqual([...SESSION].sort());
    expect(passes).toBe(1);
  });

  it("reads gzip, and links processes across files", async () => {
    const rows = asLogAnalytics();
    const first = await write(
      "first.jsonl.gz",
      gzipSync(
        rows
          .slice(0, 4)
          .map((r) => JSON.stringify(r))
          .join("\n"),
      ),
    );
    const rest = await write("rest.json", JSON.stringify(rows.slice(4)));
    const { ids, read: count } = await read(first, rest);
    expect(ids.sort()).toEqual([...SESSION].sort());
    expect(count).toBe(9);
  });

  it("keeps rows that are no process creation out, counted as read", async () => {
    const rows = asLogAnalytics().map((row) => ({ ...row, ActionType: "OpenProcess" }));
    const { ids, read: count, skips } = await read(await write("other.json", JSON.stringify(rows)));
    expect([ids, count, skips]).toEqual([[], 9, []]);
  });

  it("reports a process creation it cannot place, by line and reason, and reads the rest", async () => {
    const rows = asLogAnalytics();
    const broken = [
      { ...rows[2], ProcessId: "0x1db8" },
      { ...rows[3], DeviceName: "" },
      { ...rows[4], ActionType: "" },
      { ...rows[5], TimeGenerated: "yesterday" },
      ...rows.slice(6),
    ];
    const { skips } = await read(
      await write("broken.jsonl", broken.map((r) => JSON.stringify(r)).join("\n")),
    );
    expect(skips).toEqual([
      { line: 1, reason: 'ProcessId "0x1db8" is not a process id: expected a whole number' },
      { line: 2, reason: "DeviceName is missing or empty: the process cannot be placed on a server" },
      { line: 3, reason: "ActionType is missing or empty: expected ProcessCreated" },
      {
        line: 4,
        reason: `TimeGenerated "yesterday" is not a timestamp: expected ISO 8601 (2026-11-20T10:15:30.517Z) or the portal's form`,
      },
    ]);
  });

  it.each([
    [
      "an IIS log",
      "u_ex.log",
      "#Software: Microsoft Internet Information Services 10.0\n",
      /is an IIS W3C log, not a DeviceProcessEvents export: pass it with --iis/,
    ],
    [
      "an alert export",
      "alerts.json",
      JSON.stringify([{ SystemAlertId: "a", TimeGenerated: "2026-11-20T00:00:00Z" }]),
      /is JSON but not a DeviceProcessEvents export/,
    ],
    [
      "a CSV of something else",
      "other.csv",
      "a,b\n1,2\n",
      /missing TimeGenerated \(or Timestamp in Advanced Hunting\), DeviceName, ProcessId, ProcessCreationTime/,
    ],
    [
      "a CSV in local time",
      "local.csv",
      "TimeGenerated [Local Time],DeviceName,ProcessId,ProcessCreationTime\n",
      /holds times in "Local Time": expected UTC/,
    ],
  ])("refuses %s, naming the file", async (_, name, content, reason) => {
    const path = await write(name, content);
    const error = await read(path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(
      new RegExp(`^cannot read DeviceProcessEvents input ${path.replaceAll("\\", "\\\\")}: `),
    );
    expect((error as InputError).message).toMatch(reason);
  });
});
