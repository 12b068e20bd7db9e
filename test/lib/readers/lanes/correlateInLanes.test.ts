import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createCorrelator } from "../../../../lib/core/correlate/createCorrelator.js";
import { Diagnostics } from "../../../../lib/core/Diagnostics.js";
import { InputError } from "../../../../lib/core/errors.js";
import type { AlertRow } from "../../../../lib/core/model/AlertRow.js";
import type { DeviceProcessRow } from "../../../../lib/core/model/DeviceProcessRow.js";
import {
  DEFAULT_ENGINE_OPTIONS,
  type EngineOptions,
  MATCH_MODES,
} from "../../../../lib/core/model/EngineOptions.js";
import { makeStemFilter } from "../../../../lib/core/scriptStemFilter.js";
import { readAlertFile } from "../../../../lib/readers/alerts/readAlertFile.js";
import {
  type IisInputFile,
  listIisInputFiles,
  readIisFiles,
} from "../../../../lib/readers/iis/readIisInputs.js";
import { correlateInLanes } from "../../../../lib/readers/lanes/correlateInLanes.js";
import { readDeviceProcesses } from "../../../../lib/readers/processes/readDeviceProcesses.js";
import { generateDataSet } from "../../../../tools/generate/generateDataSet.js";
import { mdeAlert } from "../../../support/timeline.js";

// Reading files on several threads must leave the run exactly as reading them one after the other does: records,
// candidates, per-file counts, skips and warnings, and the same error when a file cannot be read.

// Workers run compiled JavaScript: the build that the test run's global setup makes.
const WORKER = new URL("../../../../dist/lib/readers/lanes/laneWorker.js", import.meta.url);
const fixture = (name: string) => fileURLToPath(new URL(`../../../fixtures/iis/${name}`, import.meta.url));

async function sequential(
  alerts: AlertRow[],
  files: IisInputFile[],
  options: EngineOptions,
  processes: DeviceProcessRow[] = [],
) {
  const diagnostics = new Diagnostics();
  const { correlator } = createCorrelator(alerts, options, undefined, new Diagnostics(), processes);
  const summary = await readIisFiles(
    files,
    {
      diagnostics,
      acceptStem: makeStemFilter(options.scriptExtensions),
      onLine: (l) => correlator.observeLine(l),
    },
    (request) => correlator.observe(request),
  );
  return { records: correlator.finish(0), candidates: correlator.candidateCount, summary, diagnostics };
}

async function inLanes(
  alerts: AlertRow[],
  files: IisInputFile[],
  options: EngineOptions,
  workers: number,
  processes: DeviceProcessRow[] = [],
  rangeBytes?: number,
) {
  const diagnostics = new Diagnostics();
  const { correlator } = createCorrelator(alerts, options, undefined, new Diagnostics(), processes);
  const summary = await correlateInLanes(
    correlator,
    files,
    { alerts, processes, options, range: undefined, examplesPerInput: diagnostics.examplesPerInput },
    diagnostics,
    { workers, workerUrl: WORKER, rangeBytes },
  );
  return { records: correlator.finish(0), candidates: correlator.candidateCount, summary, diagnostics };
}

describe("correlateInLanes", () => {
  let dir: string;
  let alerts: AlertRow[];
  let files: IisInputFile[];

  beforeAll(async () => {
    expect(existsSync(WORKER), `${WORKER.pathname}: build first (npm run build)`).toBe(true);
    dir = await mkdtemp(join(tmpdir(), "lanes-"));
    generateDataSet(join(dir, "set"), { seed: 7, lines: 6000, start: Date.UTC(2026, 10, 20), days: 2 });
    alerts = await readAlertFile(join(dir, "set", "alerts.json"), new Diagnostics());
    // Beside the generated logs: a gzip log, exports (read as requests, not lines), a broken log, an empty file.
    const extra = join(dir, "extra");
    await mkdir(extra);
    const web01 = join(dir, "set", "iis", "WEB01", "u_ex261121.log");
    await writeFile(join(extra, "u_ex261121.log.gz"), gzipSync(await readFile(web01)));
    await copyFile(fixture("w3ciislog_export_portal.csv"), join(extra, "portal.csv"));
    await copyFile(fixture("w3ciislog_export.jsonl"), join(extra, "api.jsonl"));
    await copyFile(fixture("u_ex230420_broken.log"), join(extra, "u_ex230420_broken.log"));
    await writeFile(join(extra, "u_ex230421_empty.log"), "");
    // Two days joined into one log (each with its byte order mark and headers), padded with NULs where IIS stopped,
    // and lines cut short: a log to cut into ranges, with skips and a #Fields in force across them.
    const days = await Promise.all(
      ["u_ex261120.log", "u_ex261121.log"].map((name) =>
        readFile(join(dir, "set", "iis", "WEB02", name), "utf8"),
      ),
    );
    const damaged = (text: string) =>
      text
        .split("\n")
        .map((line, k) =>
          k % 97 === 50 ? line.slice(0, 30) : k % 211 === 100 ? `\u0000\u0000${line}` : line,
        )
        .join("\n");
    await writeFile(
      join(extra, "u_ex261120_joined.log"),
      days.map((day) => `\ufeff${damaged(day)}`).join(""),
    );
    files = await listIisInputFiles(
      [{ path: join(dir, "set", "iis") }, { path: extra, defaultHost: "web01" }],
      new Diagnostics(),
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(MATCH_MODES.flatMap((mode) => [1, 3].map((workers) => [mode, workers] as const)))(
    "gives in %s mode, with %i worker(s), what reading the files in order gives",
    async (mode, workers) => {
      const options = { ...DEFAULT_ENGINE_OPTIONS, mode };
      const expected = await sequential(alerts, files, options);
      const actual = await inLanes(alerts, files, options, workers);
      expect(actual).toEqual(expected);
      // toEqual takes Maps in any order; the summary prints the inputs in the ledger's order.
      expect([...actual.diagnostics.inputs.keys()]).toEqual([...expected.diagnostics.inputs.keys()]);
      expect(expected.records.length).toBeGreaterThan(0);
      expect(expected.diagnostics.totalSkipped).toBeGreaterThan(0);
    },
    60_000,
  );

  it.each(MATCH_MODES.flatMap((mode) => [1, 3].map((workers) => [mode, workers] as const)))(
    "gives in %s mode, with %i worker(s) reading logs cut into ranges, what reading the files in order gives",
    async (mode, workers) => {
      const options = { ...DEFAULT_ENGINE_OPTIONS, mode };
      const expected = await sequential(alerts, files, options);
      const actual = await inLanes(alerts, files, options, workers, [], 20_000);
      expect(actual).toEqual(expected);
      expect([...actual.diagnostics.inputs.keys()]).toEqual([...expected.diagnostics.inputs.keys()]);
      const joined = expected.diagnostics.inputs.get(
        files.find((f) => f.path.endsWith("_joined.log"))!.path,
      )!;
      expect(joined.skipped).toBeGreaterThan(10); // skips in every range, each with its line
    },
    60_000,
  );

  it("gives, with DeviceProcessEvents as a second process source, what reading the files in order gives", async () => {
    const options = { ...DEFAULT_ENGINE_OPTIONS, mode: "precise" as const };
    const export_ = join(dir, "set", "DeviceProcessEvents.csv");
    const { rows } = await readDeviceProcesses([export_], options.workerImages, new Diagnostics());
    const expected = await sequential(alerts, files, options, rows);
    const actual = await inLanes(alerts, files, options, 2, rows);
    expect(actual.records).toEqual(expected.records);
    expect(expected.records.some((record) => record.ProcessSource === "DeviceProcessEvents")).toBe(true);
  }, 60_000);

  it("fails when a worker dies, and its own thread stops reading then, instead of reading every file for nothing", async () => {
    const options = { ...DEFAULT_ENGINE_OPTIONS, mode: "precise" as const };
    const { correlator } = createCorrelator(alerts, options, undefined, new Diagnostics());
    let [read, total] = [0, 0];
    const run = correlateInLanes(
      correlator,
      files,
      { alerts, options, range: undefined, examplesPerInput: 5 },
      new Diagnostics(),
      {
        workers: 1,
        workerUrl: new URL("../../../support/dyingLaneWorker.mjs", import.meta.url),
        rangeBytes: 20_000,
      },
      (bytes, all) => ([read, total] = [bytes, all]),
    );
    await expect(run).rejects.toThrow("the lane worker died");
    // From then on it finishes the part it is in at most: not the rest (how much came before depends on how soon the
    // worker started, which a loaded machine delays).
    const readWhenFailed = read;
    await new Promise((resolve) => setTimeout(resolve, 500)); // what it would have read meanwhile
    expect(read - readWhenFailed).toBeLessThanOrEqual(Math.max(...files.map((file) => file.size)));
    expect(read).toBeLessThan(total);
  });

  it("counts a page's IPv6 clients once across threads: every thread codes an address as the run does", async () => {
    // One log, cut into about 50 ranges read by four threads, where every range holds the shell page's three IPv6
    // clients. Each thread codes an address that is not IPv4 by a keyed hash (AddressCodes): under keys of their
    // own, the run would merge three codes per thread, and the page would pass the threshold and lose its record.
    const clients = ["2001:db8::77", "2001:db8:0:1::9", "2a02:8109::5d1c"];
    const lines = [
      "#Fields: date time s-sitename s-computername s-ip cs-method cs-uri-stem c-ip cs(User-Agent) time-taken",
    ];
    for (let n = 0; n < 9000; n++) {
      const seconds = String(n % 60).padStart(2, "0");
      lines.push(
        n % 60 === 30
          ? `2026-11-20 10:15:30 W3SVC1 WEB01 10.1.0.11 POST /uploads/help.aspx ${clients[Math.floor(n / 60) % 3]} curl/8.0 100`
          : `2026-11-20 09:${seconds}:00 W3SVC1 WEB01 10.1.0.11 GET /shop/item${n}.aspx 198.51.100.${n % 250} Mozilla/5.0 5`,
      );
    }
    const log = join(dir, "ipv6", "u_ex261120.log");
    await mkdir(join(dir, "ipv6"), { recursive: true });
    await writeFile(log, `${lines.join("\r\n")}\r\n`);
    const ipv6Files = await listIisInputFiles([{ path: log }], new Diagnostics());
    const options = { ...DEFAULT_ENGINE_OPTIONS, mode: "precise" as const };
    const expected = await sequential([mdeAlert()], ipv6Files, options);
    const actual = await inLanes([mdeAlert()], ipv6Files, options, 3, [], 20_000);
    expect(actual.records).toEqual(expected.records);
    expect(expected.records.map((record) => [record.ShellLocation, record.AttackerIP])).toContainEqual([
      "/uploads/help.aspx",
      "2001:db8::77",
    ]);
  }, 60_000);

  it("throws for the first file in order that cannot be read, as reading in order does", async () => {
    const gone = files.filter((file) => file.path.endsWith(".log")).slice(2, 5);
    const moved = files.map((file) =>
      gone.includes(file) ? { ...file, path: `${file.path}.missing` } : file,
    );
    const options = { ...DEFAULT_ENGINE_OPTIONS, mode: "precise" as const };
    const error = await inLanes(alerts, moved, options, 2, [], 20_000).catch((e: unknown) => e);
    const expected = await sequential(alerts, moved, options).catch((e: unknown) => e);
    expect(error instanceof InputError).toBe(true);
    expect((error as Error).message).toBe((expected as Error).message); // the system error behind it stays in its thread
    expect((error as Error).message).toContain(`${gone[0]!.path}.missing`);
  });
});
