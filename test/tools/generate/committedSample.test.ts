import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { afterAll, describe, expect, it } from "vitest";

import { generateDataSet } from "../../../tools/generate/generateDataSet.js";
import { DEFAULT_GENERATE_OPTIONS } from "../../../tools/generate/GenerateOptions.js";
import { bruteForceFindings } from "./bruteForceFindings.js";
import { readAlerts, readAllFiles, readLogs, readProcessEvents, readTruth } from "./readDataSet.js";

const SAMPLE = fileURLToPath(new URL("../../../data/sample", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "generate-sample-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the committed sample (data/sample)", () => {
  it("is exactly what the generator writes with the default options (regenerate it after changing lib/generate)", () => {
    generateDataSet(scratch, DEFAULT_GENERATE_OPTIONS);
    const fresh = readAllFiles(scratch);
    const committed = readAllFiles(SAMPLE);
    expect([...committed.keys()].sort()).toEqual([...fresh.keys()].sort());
    for (const [path, bytes] of fresh)
      expect(bytes.equals(committed.get(path) ?? Buffer.alloc(0)), path).toBe(true);
  });

  it("has the findings its truth.json lists, by a brute-force reading of its files", () => {
    const truth = readTruth(SAMPLE);
    const key = (f: Record<string, string>) =>
      [f.HostName, f.ProcessId, f.ProcessCommandLine, f.ShellLocation, f.AttackerIP].join("|");
    const expected = truth.findings.map(({ scenario: _scenario, ...rest }) => rest);
    const actual = bruteForceFindings(readAlerts(SAMPLE), readLogs(SAMPLE), readProcessEvents(SAMPLE));
    expect(actual.sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
      expected.sort((a, b) => key(a).localeCompare(key(b))),
    );
    expect(readLogs(SAMPLE).reduce((n, log) => n + log.rows.length, 0)).toBeGreaterThan(19_000);
  });
});
