import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createCorrelator } from "../../../../lib/core/correlate/createCorrelator.js";
import { Diagnostics } from "../../../../lib/core/Diagnostics.js";
import type { AlertRow } from "../../../../lib/core/model/AlertRow.js";
import {
  BASELINE_SCOPES,
  DEFAULT_ENGINE_OPTIONS,
  type EngineOptions,
  MATCH_MODES,
  type TimeRange,
} from "../../../../lib/core/model/EngineOptions.js";
import { makeStemFilter } from "../../../../lib/core/scriptStemFilter.js";
import { readAlertFile } from "../../../../lib/readers/alerts/readAlertFile.js";
import { readIisInputs } from "../../../../lib/readers/iis/readIisInputs.js";
import { generateDataSet } from "../../../../tools/generate/generateDataSet.js";
import { at, legacyAlert, mdeAlert } from "../../../support/timeline.js";
import { timelineLog } from "./w3cTimelineText.js";

// The offline fast path (`observeLine`, fed by the reader's `onLine`) must give exactly what the plain path gives
// (`observe` of each decoded request): the same records, candidates and read counts, in both modes, every baseline
// scope, with and without the reader's stem filter, a time range or `--iis-host`.

interface Run {
  options: EngineOptions;
  range?: TimeRange;
  filter: boolean;
}

async function correlate(
  alerts: AlertRow[],
  iis: { path: string; defaultHost?: string }[],
  run: Run,
  lines: boolean,
) {
  const diagnostics = new Diagnostics(Number.MAX_SAFE_INTEGER);
  const { correlator } = createCorrelator(alerts, run.options, run.range, diagnostics);
  const summary = await readIisInputs(
    iis,
    {
      diagnostics,
      acceptStem: run.filter ? makeStemFilter(run.options.scriptExtensions) : undefined,
      onLine: lines ? (line) => correlator.observeLine(line) : undefined,
    },
    (request) => correlator.observe(request),
  );
  return {
    records: correlator.finish(0),
    candidates: correlator.candidateCount,
    summary,
    skips: [...diagnostics.inputs.values()],
  };
}

async function expectSamePaths(alerts: AlertRow[], iis: { path: string; defaultHost?: string }[], run: Run) {
  const plain = await correlate(alerts, iis, run, false);
  const fast = await correlate(alerts, iis, run, true);
  expect(fast).toEqual(plain);
  return plain;
}

interface RunChoice {
  mode: EngineOptions["mode"];
  baselineScope: EngineOptions["baselineScope"];
  distinctIpThreshold: number;
  filter: boolean;
  ranged: boolean;
}

const runs: fc.Arbitrary<RunChoice> = fc.record({
  mode: fc.constantFrom(...MATCH_MODES),
  baselineScope: fc.constantFrom(...BASELINE_SCOPES),
  distinctIpThreshold: fc.constantFrom(1, 3),
  filter: fc.boolean(),
  ranged: fc.boolean(),
});

const toRun = (r: RunChoice, range: TimeRange): Run => ({
  options: {
    ...DEFAULT_ENGINE_OPTIONS,
    mode: r.mode,
    baselineScope: r.baselineScope,
    distinctIpThreshold: r.distinctIpThreshold,
  },
  range: r.ranged ? range : undefined,
  filter: r.filter,
});

describe("observeLine gives what observe gives on the decoded requests", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "observe-w3c-line-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("on logs around the timeline's commands, drawn to collide", async () => {
    const alerts = [legacyAlert(), mdeAlert()];
    let found = 0;
    await fc.assert(
      fc.asyncProperty(
        timelineLog,
        runs,
        fc.constantFrom(undefined, "web01", "WEB02"),
        async (text, r, host) => {
          const path = join(dir, "u_ex261120.log");
          await writeFile(path, text);
          const plain = await expectSamePaths(
            alerts,
            [{ path, defaultHost: host }],
            toRun(r, { from: at("10:14:00"), to: at("10:17:00") }),
          );
          found += plain.records.length;
        },
      ),
      { numRuns: 300 },
    );
    expect(found).toBeGreaterThan(0); // the vocabulary does produce records, so the comparison has teeth
  });

  it("counts a c-ip of - as a log without c-ip: the same empty address, once", async () => {
    const path = join(dir, "u_ex261120.log");
    const log = [
      "#Fields: date time s-computername cs-uri-stem cs-uri-query",
      "2026-11-20 10:15:31 WEB01 /uploads/help.aspx cmd=whoami",
      "#Fields: date time s-computername cs-uri-stem cs-uri-query c-ip",
      "2026-11-20 10:15:31 WEB01 /uploads/help.aspx cmd=whoami -",
    ];
    await writeFile(path, `${log.join("\n")}\n`);
    const options = { ...DEFAULT_ENGINE_OPTIONS, mode: "compat" as const, distinctIpThreshold: 1 };
    const plain = await expectSamePaths([legacyAlert()], [{ path }], { options, filter: true });
    expect(plain.records.map((record) => record.PageDistinctIPs)).toContain(1);
  });

  it("counts pages whose bad UTF-8 decodes to the same text as one page, in both modes", async () => {
    const path = join(dir, "u_ex261120.log");
    const line = (stem: Buffer, ip: string) =>
      Buffer.concat([Buffer.from("2026-11-20 10:15:31 WEB01 "), stem, Buffer.from(` cmd=whoami ${ip}\n`)]);
    // FF and FE are no UTF-8: each decodes to U+FFFD, so the two lines are on one page, from two addresses.
    const stem = (bad: number) =>
      Buffer.concat([Buffer.from("/uploads/h"), Buffer.from([bad]), Buffer.from(".aspx")]);
    await writeFile(
      path,
      Buffer.concat([
        Buffer.from("#Fields: date time s-computername cs-uri-stem cs-uri-query c-ip\n"),
        line(stem(0xff), "203.0.113.77"),
        line(stem(0xfe), "198.51.100.1"),
      ]),
    );
    for (const mode of MATCH_MODES) {
      const options = { ...DEFAULT_ENGINE_OPTIONS, mode, distinctIpThreshold: 1 };
      const plain = await expectSamePaths([legacyAlert()], [{ path }], { options, filter: true });
      expect(plain.records, mode).toEqual([]); // two addresses: over the threshold
      const two = { ...options, distinctIpThreshold: 2 };
      expect(
        (await expectSamePaths([legacyAlert()], [{ path }], { options: two, filter: true })).records.length,
      ).toBeGreaterThan(0);
    }
  });

  it("on generated data sets (several hosts, a mid-file #Fields change, a log without s-computername)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(1_000_000), runs, async (seed, r) => {
        const out = join(dir, `set-${seed}`);
        generateDataSet(out, { seed, lines: 3000, start: Date.UTC(2026, 10, 20), days: 1 });
        const alerts = await readAlertFile(join(out, "alerts.json"), new Diagnostics());
        const iis = [{ path: join(out, "iis", "WEB01") }, { path: join(out, "iis"), defaultHost: "web04" }];
        const plain = await expectSamePaths(
          alerts,
          iis,
          toRun(r, { from: Date.UTC(2026, 10, 20, 6), to: Date.UTC(2026, 10, 20, 18) }),
        );
        if (r.mode === "precise" && !r.ranged && r.distinctIpThreshold === 3)
          expect(plain.records.length).toBeGreaterThan(0);
        await rm(out, { recursive: true, force: true });
      }),
      { numRuns: 12 },
    );
  });
});
