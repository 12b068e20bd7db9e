// `npm run bench:report -- [--records <n>] [--runs <n>] [--seed <n>]`: how fast a large HTML report is written and
// opens in headless Chromium (docs/design.md §6.6). Writes tools/bench/report/RESULTS.md.
import { createWriteStream } from "node:fs";
import { mkdir, stat, writeFile } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

import type { Browser } from "playwright-core";
import { format, resolveConfig } from "prettier";

import { writeHtmlReport } from "../../../lib/adapters/cli/output/html/writeHtmlReport.js";
import { Diagnostics } from "../../../lib/core/Diagnostics.js";
import { DEFAULT_ENGINE_OPTIONS } from "../../../lib/core/model/EngineOptions.js";
import { launchChromium } from "../../browser/launchChromium.js";
import { describeLoad, describeMachine } from "../describeMachine.js";
import { makeReportRecords } from "./makeReportRecords.js";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url)); // dist/tools/bench/report/ → the package root
/** The issue's target: a report of 10,000 records opens (its `load` event) within this. */
const TARGET_LOAD_MS = 2000;
const log = (text: string) => process.stderr.write(`${text}\n`);

/** What the page's own clocks say of one opening, in ms from the start of navigation. */
interface Opening {
  firstContentfulPaint: number;
  domContentLoaded: number;
  load: number;
  /** From the call to open the file until Playwright saw `load` (the browser's whole round trip). */
  wall: number;
  /** Jumping to the last shell's section and painting it (sections are laid out as they are reached). */
  jumpToLast: number;
}

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { records: { type: "string" }, runs: { type: "string" }, seed: { type: "string" } },
});
const count = Number(values.records ?? 10_000);
const runs = Number(values.runs ?? 5);
const seed = Number(values.seed ?? 1);
if (![count, runs, seed].every(Number.isSafeInteger) || count < 1 || runs < 1) {
  log("usage: npm run bench:report -- [--records <n ≥ 1>] [--runs <n ≥ 1>] [--seed <n>]");
  process.exit(2);
}

const records = makeReportRecords(count, seed);
await mkdir(`${ROOT}tools/bench/.cache`, { recursive: true });
const file = `${ROOT}tools/bench/.cache/report-${count}.html`;
const diagnostics = new Diagnostics();
for (let host = 1; host <= 40; host++)
  for (const day of ["261120", "261121"])
    diagnostics.read(`iis/WEB${String(host).padStart(2, "0")}/u_ex${day}.log`, 250_000);
const writeStarted = performance.now();
await writeHtmlReport(createWriteStream(file), records, {
  mode: "precise",
  range: undefined,
  diagnostics,
  selectedAlerts: new Set(records.map((r) => r.SystemAlertId)).size,
  commands: count,
  candidates: records.reduce((sum, r) => sum + r.Evidence.length, 0),
  evidenceCap: DEFAULT_ENGINE_OPTIONS.evidenceCap,
  generatedAt: Date.now(),
});
const writeMs = performance.now() - writeStarted;
const bytes = (await stat(file)).size;
log(`wrote ${count} records (${(bytes / 1e6).toFixed(1)} MB) in ${writeMs.toFixed(0)} ms`);

const loadBefore = describeLoad();
const browser = await launchChromium();
const openings: Opening[] = [];
const version = browser.version();
let cpu: Record<string, number> = {};
const shape = { shells: 0, rows: 0 };
try {
  for (let run = 0; run < runs; run++) {
    // A new context each time: no cache, no state from the run before.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const started = performance.now();
    await page.goto(pathToFileURL(file).href, { waitUntil: "load", timeout: 60_000 });
    const wall = performance.now() - started;
    // Evaluated in the page, where the DOM's clocks are (a string: the build's types are Node's, not the DOM's).
    const timing = await page.evaluate<Omit<Opening, "wall"> & typeof shape>(`(async () => {
      const nav = performance.getEntriesByType("navigation")[0];
      const fcp = performance.getEntriesByName("first-contentful-paint")[0];
      const sections = document.querySelectorAll("section.shell");
      const jumpStarted = performance.now();
      sections[sections.length - 1].scrollIntoView();
      await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
      return {
        firstContentfulPaint: fcp ? fcp.startTime : NaN,
        domContentLoaded: nav.domContentLoadedEventEnd,
        load: nav.loadEventEnd,
        jumpToLast: performance.now() - jumpStarted,
        shells: sections.length,
        rows: document.querySelectorAll("tr").length,
      };
    })()`);
    const { shells, rows, ...clocks } = timing;
    Object.assign(shape, { shells, rows });
    openings.push({ ...clocks, wall });
    log(
      `run ${run + 1}: FCP ${clocks.firstContentfulPaint.toFixed(0)} ms, load ${clocks.load.toFixed(0)} ms, ` +
        `wall ${wall.toFixed(0)} ms, jump to last ${clocks.jumpToLast.toFixed(0)} ms`,
    );
    await context.close();
  }
  cpu = await traceMainThread(browser, file);
  log(
    `traced: ${Object.entries(cpu)
      .map(([name, ms]) => `${name} ${ms.toFixed(0)} ms`)
      .join(", ")}`,
  );
} finally {
  await browser.close();
}

/**
 * The renderer's main-thread CPU time (the trace's thread durations) to open the report, by kind of work: what
 * the machine's other load does not inflate as it does wall time, so runs on a busy machine stay comparable.
 */
async function traceMainThread(chromium: Browser, path: string): Promise<Record<string, number>> {
  const context = await chromium.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await chromium.startTracing(page, { categories: ["devtools.timeline"] });
  await page.goto(pathToFileURL(path).href, { waitUntil: "load", timeout: 60_000 });
  const trace = JSON.parse((await chromium.stopTracing()).toString("utf8")) as {
    traceEvents: { name: string; ph: string; tdur?: number }[];
  };
  await context.close();
  const kinds: Record<string, string> = {
    ParseHTML: "parse",
    UpdateLayoutTree: "style",
    Layout: "layout",
    PrePaint: "paint",
    Paint: "paint",
  };
  const totals: Record<string, number> = { parse: 0, style: 0, layout: 0, paint: 0 };
  for (const event of trace.traceEvents) {
    const kind = kinds[event.name];
    if (kind !== undefined && event.ph === "X" && event.tdur !== undefined)
      totals[kind]! += event.tdur / 1000;
  }
  return totals;
}

const median = (pick: (o: Opening) => number) => {
  const sorted = openings.map(pick).sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
};
const load = median((o) => o.load);
const met = load < TARGET_LOAD_MS;
const ms = (value: number) => `${value.toFixed(0)} ms`;
const results = `# HTML report benchmark

Written by \`npm run bench:report -- --records ${count} --runs ${runs} --seed ${seed}\` (\`tools/bench/report/runReportBench.ts\`):
${count.toLocaleString("en-US")} realistic precise records (\`makeReportRecords.ts\`, seed ${seed}) written as a report by
\`writeHtmlReport\`, then opened from \`file://\` in headless Chromium, ${runs} times, each in a new browser context.
Times are the page's own navigation and paint timings, in ms from the start of navigation; the median of the runs.

Run ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC. Machine: ${describeMachine([`Chromium ${String(version)}`])}.
Load average (1/5/15 min) before: ${loadBefore}, after: ${describeLoad()}.

| records | shells | table rows | file size | written in | first contentful paint | DOMContentLoaded | load | goto → load (wall) | jump to last shell |
| ------: | -----: | ---------: | --------: | ---------: | ---------------------: | ---------------: | ---: | -----------------: | -----------------: |
| ${count.toLocaleString("en-US")} | ${shape.shells} | ${shape.rows.toLocaleString("en-US")} | ${(bytes / 1e6).toFixed(1)} MB | ${ms(writeMs)} | ${ms(median((o) => o.firstContentfulPaint))} | ${ms(median((o) => o.domContentLoaded))} | ${ms(load)} | ${ms(median((o) => o.wall))} | ${ms(median((o) => o.jumpToLast))} |

Main-thread CPU time to open it (one traced run; the machine's other load does not inflate it as it does the
times above): ${Object.entries(cpu)
  .map(([name, value]) => `${name} ${ms(value)}`)
  .join(", ")}; ${ms(Object.values(cpu).reduce((sum, value) => sum + value, 0))} in all.

Target: the report of ${count.toLocaleString("en-US")} records opens (\`load\`) in under ${TARGET_LOAD_MS / 1000} s: ${ms(load)} — ${met ? "met" : "**not met**"}.

Every run: ${openings.map((o) => `load ${ms(o.load)} (FCP ${ms(o.firstContentfulPaint)})`).join("; ")}.
`;
// Formatted as the repository's other Markdown is, so `npm test`'s format check passes after a run.
const resultsPath = `${ROOT}tools/bench/report/RESULTS.md`;
const formatted = await format(results, {
  ...((await resolveConfig(resultsPath)) ?? {}),
  filepath: resultsPath,
});
await writeFile(resultsPath, formatted);
process.stdout.write(formatted);
process.exitCode = met ? 0 : 1;
