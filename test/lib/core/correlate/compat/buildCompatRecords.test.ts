import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { buildCompatRecords } from "../../../../../lib/core/correlate/compat/buildCompatRecords.js";
import type { CompatFile } from "../../../../../lib/core/correlate/compat/CompatCommand.js";
import type { WebRequest } from "../../../../../lib/core/model/WebRequest.js";
import { compareRecords } from "../../../../../lib/core/records/compareRecords.js";
import type { EnrichmentRecord } from "../../../../../lib/core/records/EnrichmentRecord.js";
import { compatOracle } from "../../../../support/compatOracle.js";
import { at, correlate, legacyAlert, request } from "../../../../support/timeline.js";

// Compat never builds the query's file × process product (B2) and makes its records one at a time; the plain
// product (test/support/compatOracle.ts) says what they must be.

const HOSTS = ["WEB01", "WEB02", "web01"];
const IMAGES = ["cmd.exe", "powershell.exe", "W3WP.EXE", "w3wp.exe"];
// Quotes, backslashes, a line separator and non-ASCII in the parts of a record id, which compat builds from each
// part's JSON: the ids must still be computeRecordId's.
const COMMANDS = [
  "cmd.exe /c whoami",
  "cmd.exe /c ver",
  "powershell -c ls",
  'cmd.exe /c echo "C:\\x" \u2028 é',
];

/** A legacy-shaped alert with its entities numbered from 1, as real exports number them. */
const anAlert = fc
  .record({
    id: fc.integer({ min: 0, max: 5 }),
    second: fc.integer({ min: 0, max: 240 }),
    files: fc.array(fc.constantFrom(...IMAGES), { minLength: 1, maxLength: 3 }),
    processes: fc.array(
      fc.record({ ref: fc.integer({ min: 1, max: 5 }), command: fc.constantFrom(...COMMANDS) }),
      {
        maxLength: 3,
      },
    ),
    hosts: fc.array(fc.constantFrom(...HOSTS), { minLength: 1, maxLength: 2 }),
    worker: fc.boolean(),
  })
  .map(({ id, second, files, processes, hosts, worker }) => {
    const entities = [
      ...(worker ? ["w3wp.exe"] : []).concat(files).map((Name) => ({ Name, Type: "file" })),
      ...processes.map(({ ref, command }) => ({
        CommandLine: command,
        ImageFile: { $ref: String(ref) },
        Type: "process",
      })),
      ...hosts.map((HostName) => ({ HostName, Type: "host" })),
    ].map((entity, i) => ({ $id: String(i + 1), ...entity }));
    return legacyAlert({
      row: {
        SystemAlertId: `00000000-0000-4000-8000-00000000000${id}`,
        TimeGenerated: new Date(at("10:14:00") + second * 1000).toISOString(),
        Entities: JSON.stringify(entities),
      },
    });
  });

const aRequest = fc
  .record({
    second: fc.integer({ min: 0, max: 330 }),
    host: fc.constantFrom("WEB01", "WEB02"),
    stem: fc.constantFrom("/uploads/a.aspx", '/up"l\\oads/é.aspx', "/x.php", "/logo.png"),
    ip: fc.constantFrom("203.0.113.1", "203.0.113.2", "198.51.100.9", "198.51.100.8", "198.51.100.7"),
    agent: fc.constantFrom("curl/8.0", "Mozilla/5.0+(X11)"),
    site: fc.constantFrom("W3SVC1", "W3SVC2"),
  })
  .map(({ second, host, stem, ip, agent, site }): WebRequest => ({
    ...request("10:14:00", { sComputerName: host, csUriStem: stem, cIP: ip, csUserAgent: agent }),
    sSiteName: site,
    TimeGenerated: at("10:14:00") + second * 1000,
  }));

describe("compat records", () => {
  it("are the query's, in output order, whatever the alerts' numbering and the requests", () => {
    // A fresh seed every run; fast-check prints the seed of a failure to replay it.
    fc.assert(
      fc.property(
        fc.array(anAlert, { minLength: 1, maxLength: 6 }),
        fc.array(aRequest, { maxLength: 25 }),
        (alerts, requests) => {
          const { records } = correlate("compat", alerts, requests);
          expect(records).toEqual(compatOracle(alerts, requests, at("23:59:59")));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("multiply through the cross-alert $id join without holding the product", () => {
    // 60 alerts numbered alike, on two hosts: each cmd.exe file ("2") joins all 60 processes ("3" → "2").
    const alerts = Array.from({ length: 60 }, (_, i) =>
      legacyAlert({
        row: {
          SystemAlertId: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
          Entities: JSON.stringify([
            { $id: "1", Name: "w3wp.exe", Type: "file" },
            { $id: "2", Name: "cmd.exe", Type: "file" },
            { $id: "3", CommandLine: `cmd.exe /c echo ${i}`, ImageFile: { $ref: "2" }, Type: "process" },
            { $id: "4", HostName: i % 2 === 0 ? "WEB01" : "WEB02", Type: "host" },
          ]),
        },
      }),
    );
    const requests = [
      request("10:15:31"),
      request("10:15:31", { sComputerName: "WEB02", cIP: "203.0.113.9" }),
    ];
    const { records, diagnostics } = correlate("compat", alerts, requests);
    expect(records).toHaveLength(2 * 60);
    expect(records).toEqual(compatOracle(alerts, requests, at("23:59:59")));
    expect(diagnostics.warnings.join("\n")).toMatch(/across alerts \(B2\); 60 file entities were paired/);
  });

  it("stream the records of one cell a command line at a time: 3,000 files in one bin × 3,000 commands", () => {
    // 3,000 alerts in one 30 s bin on one host, numbered alike, each with its own script file ("2") and command
    // ("3" → "2"): the one request's cell holds 9 million records. The first ten come without the others being made
    // (made whole, the cell took gigabytes and ran out of heap at 4,000).
    const bin = at("10:15:30");
    const files: CompatFile[] = Array.from({ length: 3000 }, (_, i) => ({
      timeKey: bin,
      hostName: "WEB01",
      imageName: `s${i}.aspx`,
      ids: ["2"],
    }));
    const lines = Array.from({ length: 3000 }, (_, i) => `cmd.exe /c echo ${3000 - i}`);
    const shell = request("10:15:31", { sComputerName: "WEB01" });
    const records = buildCompatRecords(
      { files, commandLines: new Map([["2", lines]]) },
      [shell],
      () => [bin],
      () => 1,
      3,
      0,
    );
    const taken: EnrichmentRecord[] = [];
    for (const record of records) if (taken.push(record) === 3001) break;
    // In output order: the smallest command line, all 3,000 file names by record id, then the next line.
    expect(taken.slice(0, 3000).every((record) => record.ProcessCommandLine === "cmd.exe /c echo 1")).toBe(
      true,
    );
    expect(new Set(taken.slice(0, 3000).map((record) => record.ProcessName)).size).toBe(3000);
    expect(taken[3000]!.ProcessCommandLine).toBe("cmd.exe /c echo 10");
    expect([...taken].sort(compareRecords)).toEqual(taken);
  });
});
