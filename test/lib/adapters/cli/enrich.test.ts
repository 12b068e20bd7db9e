import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";

import { RECORD_COLUMN_NAMES } from "../../../../lib/core/records/columns.js";
import { parseJsonl, runCli } from "../../../support/runCli.js";
import { scratchDir } from "../../../support/scratchDir.js";

// The enrich command as a process: exit codes, formats, bad input (see test/fixtures/cli/README.md).
const F = "test/fixtures/cli";
const BASE = ["--alerts", `${F}/alerts.jsonl`, "--iis", `${F}/iis`];
const PROCESSES = "test/fixtures/processes/advanced-hunting.csv";

describe("enrich command line", () => {
  const scratch = scratchDir("enrich-");

  it("writes JSONL with exactly the schema's columns when stdout is not a terminal", async () => {
    const run = await runCli(BASE);
    expect(run.code).toBe(0);
    const records = parseJsonl(run.stdout);
    expect(records).toHaveLength(3);
    for (const record of records) expect(Object.keys(record)).toEqual(RECORD_COLUMN_NAMES);
    expect(records[0]).toMatchObject({
      TimeGenerated: "2026-11-20T10:15:31.000Z",
      MatchMode: "precise",
      ShellLocation: "/uploads/help.aspx",
      AttackerIP: "203.0.113.77",
      RequestCount: 2,
      ProcessCreationTime: "2026-11-20T10:15:30.517Z",
    });
  });

  it("reports bad rows with file:line and reason, and still gives the good rows' findings", async () => {
    const run = await runCli(BASE);
    expect(run.stderr).toContain(`${F}/alerts.jsonl:3: Entities is not valid JSON`);
    expect(run.stderr).toContain(`${F}/alerts.jsonl:5: TimeGenerated is missing`);
    expect(run.stderr).toContain(`${F}/alerts.jsonl:6: not valid JSON`);
    expect(run.stderr).toContain(`${F}/iis/web01/u_ex261120.log:11: expected 17 fields`);
    expect(run.stderr).toContain(`${F}/iis/web01/u_ex261120.log:13: bad date or time`);
    expect(run.stderr).toMatch(
      /4 alert\(s\) selected, 5 command\(s\), .* 3 record\(s\) out, 5 row\(s\) skipped/,
    );
  });

  it("says which IIS files have no host, and --iis-host places them", async () => {
    const withoutHost = await runCli(BASE);
    expect(withoutHost.stderr).toMatch(/1 IIS file\(s\) have no host name.*web02\/u_ex261120\.log/);
    const run = await runCli([
      ...BASE.slice(0, 2),
      "--iis",
      `${F}/iis/web01`,
      "--iis-host",
      "web02",
      "--iis",
      `${F}/iis/web02`,
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).not.toMatch(/no host name/);
    const hosts = parseJsonl(run.stdout).map((record) => record.HostName);
    expect(hosts).toEqual(["web01", "web01", "web01", "web02", "web02"]);
  });

  it("adds the commands that raised no alert from --processes, and counts per source", async () => {
    const run = await runCli([...BASE, "--processes", PROCESSES]);
    expect(run.code).toBe(0);
    const records = parseJsonl(run.stdout);
    expect(records.map((r) => [r.ProcessName, r.ProcessSource, r.SystemAlertId !== ""])).toEqual([
      ["cmd.exe", "SecurityAlert,DeviceProcessEvents", true],
      ["cmd.exe", "SecurityAlert", true],
      ["whoami.exe", "DeviceProcessEvents", false],
      ["powershell.exe", "SecurityAlert", true],
      ["cmd.exe", "DeviceProcessEvents", false],
      ["net.exe", "DeviceProcessEvents", false],
      ["net1.exe", "DeviceProcessEvents", false],
    ]);
    expect(run.stderr).toContain(`${PROCESSES}:6: ProcessCreationTime "soon" is not a timestamp`);
    expect(run.stderr).toContain("DeviceProcessEvents: 9 row(s) read in 2 pass(es)");
    expect(run.stderr).toContain(
      "processes: 4 from SecurityAlert only, 4 from DeviceProcessEvents only, 1 from both; " +
        "2 benign child process(es) of IIS left out (conhost.exe × 2)",
    );
    expect(run.stderr).toContain("records by source: 2 SecurityAlert, 4 DeviceProcessEvents, 1 both");
  });

  it("runs on --processes without --alerts, and takes --benign-children", async () => {
    const run = await runCli(["--processes", PROCESSES, "--iis", `${F}/iis`, "--benign-children", ""]);
    expect(run.code).toBe(0);
    const records = parseJsonl(run.stdout);
    expect(records.every((r) => r.ProcessSource === "DeviceProcessEvents")).toBe(true);
    expect(records.map((r) => r.ProcessName).sort()).toEqual([
      "cmd.exe",
      "cmd.exe",
      "conhost.exe",
      "conhost.exe",
      "net.exe",
      "net1.exe",
      "whoami.exe",
    ]);
    expect(run.stderr).toMatch(/0 alert\(s\) selected/);
  });

  it("runs the original query's logic in compat mode", async () => {
    const run = await runCli([...BASE, "--mode", "compat"]);
    expect(run.code).toBe(0);
    const records = parseJsonl(run.stdout);
    expect(
      records.map((r) => [r.MatchMode, r.HostName, r.ProcessName, r.ProcessCommandLine, r.TimeGenerated]),
    ).toEqual([
      ["compat", "WEB01", "cmd.exe", "cmd.exe /c net user", "2026-11-20T10:15:31.000Z"],
      ["compat", "WEB01", "cmd.exe", "cmd.exe /c net user", "2026-11-20T10:15:45.000Z"],
    ]);
  });

  it("selects alerts by their time in --from/--to and still finds requests from before the range", async () => {
    // In range: the web01 Defender alert (ingested 13:21, commands at 10:15), its broken twin and web02 (14:02).
    const run = await runCli([...BASE, "--from", "2026-11-20T11:00:00Z", "--to", "2026-11-20T15:00:00Z"]);
    expect(run.code).toBe(0);
    const records = parseJsonl(run.stdout);
    expect(records.map((r) => [r.HostName, r.ProcessName, r.TimeGenerated])).toEqual([
      ["web01", "cmd.exe", "2026-11-20T10:15:31.000Z"],
      ["web01", "powershell.exe", "2026-11-20T10:15:31.000Z"],
    ]);
    expect(run.stderr).toMatch(/3 alert\(s\) selected/);
  });

  it.each([
    ["json", (text: string) => (JSON.parse(text) as unknown[]).length],
    ["jsonl", (text: string) => parseJsonl(text).length],
    ["csv", (text: string) => parse<Record<string, string>>(text, { columns: true }).length],
    ["table", (text: string) => Number(/(\d+) finding\(s\)/.exec(text)?.[1])],
  ])("writes --format %s", async (format, count) => {
    const run = await runCli([...BASE, "--format", format]);
    expect(run.code).toBe(0);
    expect(count(run.stdout)).toBe(3);
  });

  it("writes to --out instead of stdout", async () => {
    const dir = await mkdtemp(join(scratch.path, "case-"));
    const out = join(dir, "records.csv");
    const run = await runCli([...BASE, "--format", "csv", "--out", out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("");
    const rows = parse<Record<string, string>>(await readFile(out, "utf8"), { columns: true });
    expect(Object.keys(rows[0] ?? {})).toEqual(RECORD_COLUMN_NAMES);
  });

  it("gives the same records whatever --threads says", async () => {
    const [one, four] = await Promise.all([
      runCli([...BASE, "--threads", "1"]),
      runCli([...BASE, "--threads", "4"]),
    ]);
    expect([one.code, four.code]).toEqual([0, 0]);
    const ids = (stdout: string) => parseJsonl(stdout).map((record) => record.RecordId);
    expect(ids(four.stdout)).toEqual(ids(one.stdout));
    expect(ids(one.stdout)).toHaveLength(3);
  });

  it("stops at --max-records, says so, and exits 0", async () => {
    const run = await runCli([...BASE, "--max-records", "2"]);
    expect(run.code).toBe(0);
    expect(parseJsonl(run.stdout)).toHaveLength(2);
    expect(run.stderr).toContain("output stopped at --max-records 2: more records followed");
    expect(run.stderr).toMatch(/2 record\(s\) out \(cut at --max-records\)/);
  });

  it("exits 2 naming an --out file it cannot write, before reading anything", async () => {
    const run = await runCli([...BASE, "--out", "/nonexistent-folder/records.jsonl"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cannot write output \/nonexistent-folder\/records\.jsonl: .*ENOENT/);
    expect(run.stderr).not.toContain("row(s) read");
  });

  it("reads no IIS log when the alerts give no command to match", async () => {
    const dir = await mkdtemp(join(scratch.path, "case-"));
    const alerts = join(dir, "alerts.jsonl");
    await writeFile(
      alerts,
      JSON.stringify({
        TimeGenerated: "2026-11-20T10:00:00Z",
        SystemAlertId: "00000000-0000-4000-8000-000000000001",
        ProviderName: "Azure Security Center",
        Entities: "[]",
      }) + "\n",
    );
    const run = await runCli(["--alerts", alerts, "--iis", `${F}/iis`]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(
      "note: IIS logs not read (2 file(s)): no alert or process event gave a command to match them to",
    );
    expect(run.stderr).not.toContain("u_ex261120.log:");
  });

  it("exits 2 with --strict when rows were skipped, after writing the findings", async () => {
    const run = await runCli([...BASE, "--strict"]);
    expect(run.code).toBe(2);
    expect(parseJsonl(run.stdout)).toHaveLength(3);
    expect(run.stderr).toContain("5 input row(s) skipped and --strict was given");
  });

  it.each([
    [["--iis", `${F}/iis`], /--alerts <file> is required/],
    [[...BASE, "--mode", "fuzzy"], /--mode must be one of precise, compat, got "fuzzy"/],
    [[...BASE, "--format", "xml"], /--format must be one of table, jsonl, json, csv/],
    [[...BASE, "--from", "yesterday"], /--from must be an ISO 8601 time/],
    [
      [...BASE, "--from", "2026-11-21T00:00:00Z", "--to", "2026-11-20T00:00:00Z"],
      /--from must be before --to/,
    ],
    [[...BASE, "--frobnicate"], /Unknown option '--frobnicate'/],
    [
      ["--processes", PROCESSES, "--iis", `${F}/iis`, "--mode", "compat"],
      /--mode compat reproduces the alert-only query: it needs --alerts <file>/,
    ],
    [[...BASE, "--process-sources", "alerts"], /--process-sources goes with --workspace/],
    [[...BASE, "--benign-children", "a\u0007.exe"], /--benign-children must be a comma-separated list/],
    [[...BASE, "--max-records", "0"], /--max-records must be a whole number of at least 1, got "0"/],
    [[...BASE, "--threads", "0"], /--threads must be a whole number from 1 to 64, got "0"/],
    [[...BASE, "--threads", "65"], /--threads must be a whole number from 1 to 64, got "65"/],
    [
      [
        "--workspace",
        "00000000-0000-4000-8000-000000000000",
        "--from",
        "2026-11-20T00:00:00Z",
        "--to",
        "2026-11-21T00:00:00Z",
        "--threads",
        "2",
      ],
      /--threads goes with files/,
    ],
  ])("exits 2 on bad usage %#", async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain("Usage:");
  });

  it.each([
    [["--alerts", `${F}/missing.jsonl`, "--iis", `${F}/iis`], /missing\.jsonl/],
    [["--alerts", `${F}/alerts.jsonl`, "--iis", `${F}/no-such-folder`], /no-such-folder/],
  ])("exits 2 naming an unreadable input %#", async (args, path) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(path);
    expect(run.stderr).not.toContain("internal error");
  });

  it("neutralises spreadsheet formulas and keeps attacker strings as data in CSV", async () => {
    const dir = await mkdtemp(join(scratch.path, "case-"));
    const log = (await readFile(`${F}/iis/web01/u_ex261120.log`, "utf8")).replace(
      "python-requests/2.32.3",
      '=HYPERLINK("http://evil.example/x","y")',
    );
    await writeFile(join(dir, "u_ex261120.log"), log);
    const run = await runCli(["--alerts", `${F}/alerts.jsonl`, "--iis", dir, "--format", "csv"]);
    const rows = parse<Record<string, string>>(run.stdout, { columns: true });
    const agents = rows.map((row) => row.AttackerUserAgents ?? "");
    expect(agents.some((cell) => cell.includes("HYPERLINK"))).toBe(true);
    expect(agents.every((cell) => !/^[=+\-@]/.test(cell))).toBe(true);
  });
});
