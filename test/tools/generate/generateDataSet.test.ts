import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { generateDataSet } from "../../../tools/generate/generateDataSet.js";
import { DEFAULT_GENERATE_OPTIONS, type GenerateOptions } from "../../../tools/generate/GenerateOptions.js";
import { bruteForceFindings } from "./bruteForceFindings.js";
import { readAlerts, readAllFiles, readLogs, readProcessEvents, readTruth } from "./readDataSet.js";

const SMALL: GenerateOptions = { ...DEFAULT_GENERATE_OPTIONS, lines: 4000 };
const sortKey = (f: Record<string, string>) =>
  [f.HostName, f.ProcessId, f.ProcessCommandLine, f.ShellLocation?.toLowerCase(), f.AttackerIP].join("|");
const withoutScenario = (findings: Record<string, string>[]) =>
  findings
    .map(({ scenario: _scenario, ...rest }) => rest)
    .sort((a, b) => sortKey(a).localeCompare(sortKey(b)));

let root: string;
const generated = new Map<string, string>();
/** Generates (once per test file) a data set under a temp folder and returns its path. */
function dataSet(name: string, options: GenerateOptions): string {
  const existing = generated.get(name);
  if (existing !== undefined) return existing;
  const dir = join(root, name);
  generateDataSet(dir, options);
  generated.set(name, dir);
  return dir;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "generate-"));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe("generateDataSet", () => {
  it("writes byte-identical files for the same options, wherever they are written", () => {
    const a = readAllFiles(dataSet("a", SMALL));
    const b = readAllFiles(dataSet("a-again", SMALL));
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [path, bytes] of a) expect(bytes.equals(b.get(path) ?? Buffer.alloc(0)), path).toBe(true);
  });

  it("writes different data for a different seed", () => {
    const a = readAllFiles(dataSet("a", SMALL));
    const c = readAllFiles(dataSet("seed-2", { ...SMALL, seed: 2 }));
    for (const name of ["alerts.json", "truth.json", join("iis", "WEB01", "u_ex261120.log")]) {
      expect(a.get(name)?.equals(c.get(name) ?? Buffer.alloc(0)), name).toBe(false);
    }
  });

  it("writes W3C logs whose every data line has as many values as its #Fields", () => {
    const logs = readLogs(dataSet("a", SMALL));
    expect(logs.map((l) => l.file)).toContain(join("iis", "WEB04", "u_ex261121.log"));
    for (const log of logs) {
      expect(log.malformed, log.file).toEqual([]);
      expect(log.rows.length, log.file).toBeGreaterThan(0);
      for (const header of log.headers) {
        expect(header.map((h) => h.split(":")[0])).toEqual(["#Software", "#Version", "#Date", "#Fields"]);
      }
    }
  });

  it("logs the header again mid-file, with X-Forwarded-For added on WEB01 and no s-computername on WEB04", () => {
    const logs = readLogs(dataSet("a", SMALL));
    const fieldLines = (host: string) =>
      logs.filter((l) => l.file.includes(host)).flatMap((l) => l.headers.map((h) => h.at(-1) ?? ""));
    expect(logs.some((l) => l.headers.length > 1)).toBe(true);
    const web01 = new Set(fieldLines("WEB01"));
    expect([...web01].some((f) => f.includes("X-Forwarded-For"))).toBe(true);
    expect([...web01].some((f) => !f.includes("X-Forwarded-For"))).toBe(true);
    expect(fieldLines("WEB04").every((f) => !f.includes("s-computername"))).toBe(true);
    const web03 = logs.filter((l) => l.file.includes("WEB03")).flatMap((l) => l.rows);
    expect(new Set(web03.map((r) => r.values["c-ip"]))).toEqual(new Set(["10.10.2.4"]));
  });

  it("writes user agents with + for spaces and - for empty values", () => {
    const rows = readLogs(dataSet("a", SMALL)).flatMap((l) => l.rows);
    expect(rows.some((r) => r.values["cs(User-Agent)"]?.includes("Mozilla/5.0+("))).toBe(true);
    expect(rows.some((r) => r.values["cs-uri-query"] === "-")).toBe(true);
    expect(rows.every((r) => Object.values(r.values).every((v) => v !== ""))).toBe(true);
  });

  it("has about 40 % script-page lines and roughly the requested number of lines", () => {
    const rows = readLogs(dataSet("a", SMALL)).flatMap((l) => l.rows);
    expect(rows.length).toBeGreaterThan(SMALL.lines * 0.9);
    expect(rows.length).toBeLessThan(SMALL.lines * 1.1);
    const script = rows.filter((r) =>
      /\.(php|jsp|js|aspx|asmx|asax|cfm|shtml)($|[^a-z0-9])/i.test(r.values["cs-uri-stem"] ?? ""),
    );
    expect(script.length / rows.length).toBeGreaterThan(0.3);
    expect(script.length / rows.length).toBeLessThan(0.5);
  });

  it("agrees with a brute-force reading of the files (precise mode's rule)", () => {
    for (const [name, options] of [
      ["a", SMALL],
      ["one-day", { ...SMALL, seed: 9, days: 1, lines: 3000 }],
    ] as const) {
      const dir = dataSet(name, options);
      const truth = readTruth(dir);
      expect(truth.findings.length, name).toBeGreaterThan(0);
      const found = bruteForceFindings(readAlerts(dir), readLogs(dir), readProcessEvents(dir));
      expect(withoutScenario(found), name).toEqual(withoutScenario(truth.findings));
    }
  });

  it("makes the high-cardinality profile: id paths, the asked script share and distinct pages, legacy alerts numbered from 1", () => {
    const options: GenerateOptions = {
      ...SMALL,
      lines: 20_000,
      days: 7,
      scriptStemsPerMillion: 100_000,
      scriptShare: 0.45,
      legacyAlerts: 30,
      entityIdsFrom: 1,
    };
    const dir = dataSet("high-cardinality", options);
    const rows = readLogs(dir).flatMap((l) => l.rows);
    const stems = rows.map((r) => r.values["cs-uri-stem"] ?? "");
    const script = stems.filter((stem) => /\.(php|jsp|js|aspx|asmx|asax|cfm|shtml)($|[^a-z0-9])/i.test(stem));
    expect(script.length / rows.length).toBeGreaterThan(0.42);
    expect(script.length / rows.length).toBeLessThan(0.48);
    const distinct = new Set(script).size / (rows.length / 1e6);
    expect(distinct).toBeGreaterThan(90_000);
    expect(distinct).toBeLessThan(110_000);
    expect(stems.some((stem) => /^\/portal\/orders\/\d{6}\/view\.aspx$/.test(stem))).toBe(true);
    const legacy = readAlerts(dir).filter((row) => !String(row.Entities).includes('"ParentProcess"'));
    for (const row of legacy) {
      const entities = JSON.parse(String(row.Entities)) as { $id: string }[];
      expect(entities[0]?.$id).toBe("1");
    }
    expect(
      readTruth(dir).findings.filter((f) => f.scenario === "legacy-entities").length,
    ).toBeGreaterThanOrEqual(30);
    expect(
      withoutScenario(bruteForceFindings(readAlerts(dir), readLogs(dir), readProcessEvents(dir))),
    ).toEqual(withoutScenario(readTruth(dir).findings));
  });

  it("makes the long-pages profile: folders before the id paths, and a truth the brute force agrees with", () => {
    const options: GenerateOptions = {
      ...SMALL,
      lines: 20_000,
      days: 7,
      scriptStemsPerMillion: 200_000,
      scriptShare: 0.45,
      pageDepth: 6,
    };
    const dir = dataSet("long-pages", options);
    const stems = readLogs(dir)
      .flatMap((l) => l.rows)
      .map((r) => r.values["cs-uri-stem"] ?? "");
    const long = stems.filter((stem) =>
      /^\/Tenants\/T[0-9a-f]+\/Workspaces\/Archive\/Documents\/Revisions\/Attachments\/portal\/orders\/\d{6}\/view\.aspx$/.test(
        stem,
      ),
    );
    expect(long.length).toBeGreaterThan(100);
    expect(Math.min(...long.map((stem) => stem.length))).toBeGreaterThan(90);
    expect(
      withoutScenario(bruteForceFindings(readAlerts(dir), readLogs(dir), readProcessEvents(dir))),
    ).toEqual(withoutScenario(readTruth(dir).findings));
  });

  it("makes IPv6 clients with temporary addresses, pages in other scripts, and a truth the brute force agrees with", () => {
    const options: GenerateOptions = {
      ...SMALL,
      lines: 20_000,
      scriptStemsPerMillion: 100_000,
      nonLatinShare: 0.5,
      ipv6Share: 0.75,
    };
    const dir = dataSet("ipv6-non-latin", options);
    const rows = readLogs(dir).flatMap((l) => l.rows);
    const idPaths = rows
      .map((r) => r.values["cs-uri-stem"] ?? "")
      .filter((stem) => /\/\d{6}\/(view\.aspx|detail\.aspx|profile\.php|edit\.jsp|history\.cfm)$/.test(stem));
    const nonLatin = idPaths.filter((stem) => /^\/(Документы|Προϊόντα|Ürünler|製品\/詳細)\//.test(stem));
    expect(nonLatin.length / idPaths.length).toBeGreaterThan(0.4);
    expect(nonLatin.length / idPaths.length).toBeLessThan(0.6);
    const v6 = rows.map((r) => r.values["c-ip"] ?? "").filter((ip) => ip.includes(":"));
    expect(v6.length / rows.length).toBeGreaterThan(0.4);
    expect(new Set(v6).size / v6.length).toBeGreaterThan(0.99); // a new address on nearly every request
    for (const ip of v6.slice(0, 100)) expect(ip).toMatch(/^2[0-9a-f]{3}(:[1-9a-f][0-9a-f]{0,3}){7}$/);
    expect(
      withoutScenario(bruteForceFindings(readAlerts(dir), readLogs(dir), readProcessEvents(dir))),
    ).toEqual(withoutScenario(readTruth(dir).findings));
  });

  it("reports no decoy alert and covers every scenario of the brief", () => {
    const truth = readTruth(dataSet("a", SMALL));
    const reported = new Set(truth.findings.map((f) => f.SystemAlertId));
    for (const decoy of truth.decoys) {
      if (decoy.SystemAlertId !== undefined)
        expect(reported.has(decoy.SystemAlertId), decoy.scenario).toBe(false);
    }
    expect(new Set(truth.findings.map((f) => f.scenario))).toEqual(
      new Set([
        "classic-upload-shell",
        "host-name-case",
        "no-s-computername",
        "load-balancer-xff",
        "two-user-agents",
        "path-case",
        "legacy-entities",
        "one-command-alerted",
        "no-alert-server",
        // Their alerts are not read, but DeviceProcessEvents holds their commands.
        "security-center-alert",
        "broken-entities-json",
      ]),
    );
    expect(new Set(truth.decoys.map((d) => d.scenario))).toEqual(
      new Set([
        "aspnet-compilation",
        "explorer-cmd",
        "security-center-alert",
        "host-without-iis-logs",
        "rare-page-hours-away",
        "four-distinct-ips",
        "broken-entities-json",
        "workstation-alert",
      ]),
    );
    expect(truth.options).toEqual({ seed: 1, lines: 4000, start: "2026-11-20T00:00:00.000Z", days: 2 });
  });

  it("holds commands only DeviceProcessEvents saw, on a server where nothing alerted, and the benign children it leaves out", () => {
    const dir = dataSet("a", SMALL);
    const truth = readTruth(dir);
    const bySource = (scenario: string) =>
      new Set(truth.findings.filter((f) => f.scenario === scenario).map((f) => f.ProcessSource));
    expect(bySource("one-command-alerted")).toEqual(
      new Set(["SecurityAlert,DeviceProcessEvents", "DeviceProcessEvents"]),
    );
    expect(bySource("no-alert-server")).toEqual(new Set(["DeviceProcessEvents"]));
    expect(new Set(truth.findings.filter((f) => f.HostName === "web05").map((f) => f.SystemAlertId))).toEqual(
      new Set([""]),
    );
    expect(readAlerts(dir).some((alert) => String(alert.CompromisedEntity) === "web05")).toBe(false);
    // net1.exe, which net.exe started, which PowerShell started: found through its links alone.
    expect(truth.findings.some((f) => f.ProcessCommandLine?.startsWith("C:\\Windows\\system32\\net1 "))).toBe(
      true,
    );
    const rows = readProcessEvents(dir);
    const conhosts = rows.filter(
      (row) => row.FileName === "conhost.exe" && row.InitiatingProcessFileName === "cmd.exe",
    );
    expect(conhosts.length).toBe(rows.filter((row) => row.FileName === "cmd.exe").length);
    expect(Object.keys(truth.benignExcluded)).toEqual(["conhost.exe", "csc.exe", "cvtres.exe"]);
    // Newest first, as Advanced Hunting exports them.
    const times = rows.map((row) => row.Timestamp ?? "");
    expect(times).toEqual([...times].sort().reverse());
  });

  it("spells a path-case shell one way in its truth, though its requests spell it two ways, and attributes the load-balanced one to X-Forwarded-For", () => {
    const dir = dataSet("a", SMALL);
    const truth = readTruth(dir);
    const pathCase = truth.findings.filter((f) => f.scenario === "path-case");
    expect(new Set(pathCase.map((f) => f.ShellLocation))).toEqual(new Set(["/uploads/cmd.aspx"]));
    const stems = new Set(readLogs(dir).flatMap((file) => file.rows.map((row) => row.values["cs-uri-stem"])));
    expect([...stems].filter((stem) => stem?.toLowerCase() === "/uploads/cmd.aspx").sort()).toEqual([
      "/Uploads/Cmd.ASPX",
      "/uploads/cmd.aspx",
    ]);
    const balanced = truth.findings.filter((f) => f.scenario === "load-balancer-xff");
    expect(balanced.every((f) => f.AttackerIP !== "10.10.2.4")).toBe(true);
    expect(
      truth.findings.filter((f) => f.scenario === "host-name-case").every((f) => f.HostName === "web02"),
    ).toBe(true);
  });
});
