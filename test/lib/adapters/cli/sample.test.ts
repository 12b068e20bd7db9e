import { readFile } from "node:fs/promises";

import { describe, expect, it } from "vitest";

import { Diagnostics } from "../../../../lib/core/Diagnostics.js";
import { DEFAULT_ENGINE_OPTIONS, type MatchMode } from "../../../../lib/core/model/EngineOptions.js";
import { toJsonRecord } from "../../../../lib/core/records/toJsonRecord.js";
import { runOffline } from "../../../../lib/job/runOffline.js";

// Golden tests on the bundled sample (data/sample, made by `npm run generate`): precise finds exactly the planted
// attacks of its ground truth; both modes' full output is pinned in golden files.

interface Finding {
  SystemAlertId: string;
  ProcessId: string;
  ProcessCommandLine: string;
  HostName: string;
  ShellLocation: string;
  AttackerIP: string;
  ProcessSource: string;
}

interface Truth {
  findings: Finding[];
  benignExcluded: Record<string, number>;
}

const ENRICHED_AT = Date.parse("2026-11-28T00:00:00Z");
const SAMPLE = {
  alerts: ["data/sample/alerts.json"],
  processes: ["data/sample/DeviceProcessEvents.csv"],
  iis: [{ path: "data/sample/iis" }],
  range: undefined,
};

/** The sample as `npm start` reads it: alerts and DeviceProcessEvents, or the sources named. */
async function runSample(mode: MatchMode, sources: Partial<typeof SAMPLE> = {}) {
  const diagnostics = new Diagnostics();
  const result = await runOffline(
    { ...SAMPLE, ...sources },
    { ...DEFAULT_ENGINE_OPTIONS, mode },
    diagnostics,
    () => ENRICHED_AT,
  );
  return { ...result, records: [...result.records], diagnostics };
}

const readTruth = async () => JSON.parse(await readFile("data/sample/truth.json", "utf8")) as Truth;

const key = (f: Finding) =>
  [
    f.SystemAlertId,
    f.ProcessId,
    f.ProcessCommandLine,
    f.HostName,
    f.ShellLocation,
    f.AttackerIP,
    f.ProcessSource,
  ].join(" | ");

describe("the bundled sample", () => {
  it("precise finds every planted attack of the ground truth and nothing else", async () => {
    const truth = await readTruth();
    const { records } = await runSample("precise");
    expect(records.map(key).sort()).toEqual(truth.findings.map(key).sort());
  });

  it("finds, from the alerts alone, the findings whose process an alert named", async () => {
    const truth = await readTruth();
    const { records } = await runSample("precise", { processes: [] });
    const expected = truth.findings
      .filter((f) => f.ProcessSource.startsWith("SecurityAlert"))
      .map((f) => ({ ...f, ProcessSource: "SecurityAlert" }));
    expect(expected.length).toBeLessThan(truth.findings.length);
    expect(records.map(key).sort()).toEqual(expected.map(key).sort());
  });

  it("finds, from DeviceProcessEvents alone, every finding but those only an alert's address places", async () => {
    const truth = await readTruth();
    const { records } = await runSample("precise", { alerts: [] });
    // WEB04 logs no s-computername, and DeviceProcessEvents names a device but not its address.
    const expected = truth.findings
      .filter((f) => f.ProcessSource.endsWith("DeviceProcessEvents") && f.HostName !== "web04")
      .map((f) => ({ ...f, SystemAlertId: "", ProcessSource: "DeviceProcessEvents" }));
    expect(records.map(key).sort()).toEqual(expected.map(key).sort());
  });

  it("leaves out the benign children of IIS that its truth counts", async () => {
    const truth = await readTruth();
    const { processes } = await runSample("precise");
    expect(Object.fromEntries(processes.benignExcluded)).toEqual(truth.benignExcluded);
  });

  it("spells each host and each shell one way in precise, as its alerts and logs do not (docs/design.md §4.11)", async () => {
    const { records } = await runSample("precise");
    const spellings = (values: string[]) => {
      const byLower = new Map<string, Set<string>>();
      for (const value of values)
        byLower.set(value.toLowerCase(), (byLower.get(value.toLowerCase()) ?? new Set()).add(value));
      return [...byLower.values()].map((set) => [...set]);
    };
    for (const values of spellings(records.map((r) => r.HostName)))
      expect(values, "HostName").toEqual([values[0]!.toLowerCase()]);
    for (const values of spellings(records.map((r) => r.ShellLocation)))
      expect(values, "ShellLocation").toEqual([values[0]!.toLowerCase()]);
    // The sample's alerts and logs do spell them in several ways; the evidence keeps the pages as requested.
    const requested = records.flatMap((r) => r.Evidence.map((e) => e.uriStem));
    expect(requested.some((stem) => stem !== stem.toLowerCase())).toBe(true);
    const alerts = await readFile("data/sample/alerts.json", "utf8");
    expect(alerts).toMatch(/\\"HostName\\":\\"WEB0\d\\"/);
  });

  it("reports the alert with broken Entities and goes on", async () => {
    const { diagnostics } = await runSample("precise");
    const skips = [...diagnostics.inputs.values()].flatMap((input) => input.examples);
    expect(skips).toEqual([
      expect.objectContaining({
        source: "data/sample/alerts.json",
        reason: expect.stringMatching(/^Entities is not valid JSON/),
      }),
    ]);
  });

  it.each(["precise", "compat"] as const)("gives the golden %s output", async (mode) => {
    const { records } = await runSample(mode);
    const jsonl = records.map((record) => JSON.stringify(toJsonRecord(record))).join("\n") + "\n";
    await expect(jsonl).toMatchFileSnapshot(`golden/sample-${mode}.jsonl`);
  });
});
