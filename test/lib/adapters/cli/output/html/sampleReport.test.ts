// The callbacks given to page.evaluate run in the browser: they are typed against the DOM. (The build's program,
// tsconfig.build.json, has no test files, so lib/ still cannot use browser globals.)
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { launchChromium } from "../../../../../../tools/browser/launchChromium.js";
import type { Finding } from "../../../../../../tools/generate/computeFindings.js";
import { runCli } from "../../../../../support/runCli.js";
import { scratchDir } from "../../../../../support/scratchDir.js";

// The sample's report, made by the command as a user makes it and read in headless Chromium (Debian's package,
// driven by Playwright): one section per shell, the counts of the ground truth, nothing loaded, nothing run, and a
// clean print to PDF.

// As `npm start` reads it: alerts, DeviceProcessEvents (precise only: compat is the original query) and IIS logs.
const SAMPLE = {
  precise: ["--alerts", "data/sample/alerts.json", "--processes", "data/sample/DeviceProcessEvents.csv"],
  compat: ["--alerts", "data/sample/alerts.json"],
};

const scratch = scratchDir("report-");
let browser: Browser;
let dir: string;
let truth: Finding[];
/** The reports, made once: precise and compat. */
const reports = { precise: "", compat: "" };

beforeAll(async () => {
  dir = scratch.path;
  truth = (JSON.parse(await readFile("data/sample/truth.json", "utf8")) as { findings: Finding[] }).findings;
  [browser] = await Promise.all([
    launchChromium(),
    ...(["precise", "compat"] as const).map(async (mode) => {
      reports[mode] = join(dir, `${mode}.html`);
      const args = [...SAMPLE[mode], "--iis", "data/sample/iis", "--mode", mode];
      const run = await runCli([...args, "--format", "html", "--out", reports[mode]]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toBe("");
    }),
  ]);
});
afterAll(async () => browser?.close());

/** Opens a report; `problems` collects console errors and warnings, page errors and any fetch but the file's. */
async function openReport(path: string) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  const url = pathToFileURL(path).href;
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("request", (request) => {
    if (request.url() !== url) problems.push(`fetched ${request.url()}`);
  });
  await page.goto(url, { waitUntil: "load" });
  return { page, problems };
}

/** A process of the ground truth: one per host and process id, whichever source saw it. */
const processOf = (f: Finding) => `${f.HostName}/${f.ProcessId}`;

/** Per shell section: its heading, counts, the command lines and attackers of its timeline, its evidence rows. */
function readSections(page: Page) {
  return page.$$eval("section.shell", (sections) =>
    sections.map((section) => {
      const count = (name: string) => Number(section.querySelector(`[data-count="${name}"]`)?.textContent);
      return {
        title: section.querySelector("h2")?.textContent ?? "",
        commands: count("commands"),
        requests: count("requests"),
        attackers: count("attackers"),
        commandRows: section.querySelectorAll("tr.command").length,
        requestRows: section.querySelectorAll("tr.request").length,
        commandLines: [...section.querySelectorAll("tr.command code.cmd")].map((node) => node.textContent),
        findings: count("findings"),
        // Each finding is named with its attacker and record id in the row of its command.
        findingLines: [...section.querySelectorAll("tr.command td:last-child")].flatMap(
          (cell) => cell.textContent?.match(/attacker \S+ \(\d+ requests?\), record [0-9a-f]{32}/g) ?? [],
        ),
      };
    }),
  );
}

function summaryCount(page: Page, name: string): Promise<number> {
  return page.$eval(`#summary [data-count="${name}"]`, (node) => Number(node.textContent?.replace(/,/g, "")));
}

describe("the sample's report in Chromium", () => {
  it("is asked for with --format html --out <file>: a page is not for a terminal", async () => {
    const run = await runCli([...SAMPLE.precise, "--iis", "data/sample/iis", "--format", "html"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("error: --format html needs --out <file>");
    expect(run.stdout).toBe("");
  });

  it("has one section per shell of the ground truth, each with its commands, attackers and findings", async () => {
    const { page, problems } = await openReport(reports.precise);
    const shells = new Map<string, Finding[]>();
    for (const finding of truth) {
      const key = `${finding.HostName} ${finding.ShellLocation}`;
      shells.set(key, [...(shells.get(key) ?? []), finding]);
    }
    const sections = await readSections(page);
    expect(sections.map((s) => s.title.replace(/^\d+\. /, "")).sort()).toEqual([...shells.keys()].sort());
    for (const section of sections) {
      const findings = shells.get(section.title.replace(/^\d+\. /, ""))!;
      const processes = new Set(findings.map(processOf));
      expect(section.commands, section.title).toBe(processes.size);
      expect(section.commandRows, section.title).toBe(processes.size);
      expect(section.attackers, section.title).toBe(new Set(findings.map((f) => f.AttackerIP)).size);
      expect(section.findings, section.title).toBe(findings.length);
      expect(section.findingLines, section.title).toHaveLength(findings.length);
      expect(section.requestRows, section.title).toBe(section.requests);
      expect(section.requestRows, section.title).toBeGreaterThan(0);
      expect([...section.commandLines].sort()).toEqual(
        [...new Map(findings.map((f) => [processOf(f), f.ProcessCommandLine])).values()].sort(),
      );
      expect(section.findingLines.map((line) => line.split(" ")[1]).sort()).toEqual(
        findings.map((f) => f.AttackerIP).sort(),
      );
    }
    expect(await summaryCount(page, "shells")).toBe(shells.size);
    expect(await summaryCount(page, "findings")).toBe(truth.length);
    expect(await summaryCount(page, "hosts")).toBe(new Set(truth.map((f) => f.HostName)).size);
    expect(await summaryCount(page, "attackers")).toBe(new Set(truth.map((f) => f.AttackerIP)).size);
    expect(await summaryCount(page, "commands")).toBe(new Set(truth.map(processOf)).size);
    expect(await summaryCount(page, "skipped")).toBe(1);
    expect(await summaryCount(page, "selected-alerts")).toBe(16);
    // Commands no alert named say so: the sample has some (docs/design.md §4.12).
    const unalerted = truth.filter((f) => f.SystemAlertId === "").map(processOf);
    expect(unalerted.length).toBeGreaterThan(0);
    expect(
      await page.locator("tr.command", { hasText: "seen by DeviceProcessEvents (no alert)" }).count(),
    ).toBe(new Set(unalerted).size);
    // The index links every section, in order.
    const links = await page.$$eval("nav.index a", (as) => as.map((a) => a.getAttribute("href")));
    expect(links).toEqual(sections.map((_, i) => `#shell-${i + 1}`));
    expect(problems).toEqual([]);
    await page.close();
  });

  it("says what it read and skipped, with the skip's file:line, as the command's summary does", async () => {
    const { page } = await openReport(reports.precise);
    const rows = await page.$$eval("table.inputs tbody tr", (trs) =>
      trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)),
    );
    // The alerts, the processes and the ten IIS logs, as the command's own summary lists them.
    expect(rows).toHaveLength(12);
    expect(rows[0]!.slice(0, 3)).toEqual(["data/sample/alerts.json", "17", "1"]);
    expect(rows[0]![3]).toContain("data/sample/alerts.json:8: Entities is not valid JSON");
    expect(rows[1]!.slice(0, 3)).toEqual(["data/sample/DeviceProcessEvents.csv", "945", "0"]);
    expect(await page.textContent("#summary")).toMatch(/2 IIS files had no host name/);
    expect(await page.textContent("header")).toContain("mode precise");
    await page.close();
  });

  it("applies its own style under its Content-Security-Policy, loads nothing, and takes a screenshot", async () => {
    const { page, problems } = await openReport(reports.precise);
    const html = await readFile(reports.precise, "utf8");
    // Nothing to fetch: no script, link, image or frame, no CSS import or url(), no link but to its own sections.
    expect(html).not.toMatch(
      /<(script|link|img|iframe|object|embed)\b|@import|url\(|\s(src|href|action)="(?!#)/i,
    );
    const csp = await page.$eval('meta[http-equiv="Content-Security-Policy"]', (m) =>
      m.getAttribute("content"),
    );
    expect(csp).toMatch(
      /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; base-uri 'none'; form-action 'none'$/,
    );
    // The style sheet applied (its hash matched): the request label is blue and the command label orange.
    const colors = await page.$$eval("tr.request td.k, tr.command td.k", (cells) =>
      [...new Set(cells.map((cell) => getComputedStyle(cell).color))].sort(),
    );
    expect(colors).toEqual(["rgb(181, 68, 27)", "rgb(47, 111, 179)"]);
    expect(problems).toEqual([]);
    const shot = join(dir, "sample.png");
    await page.screenshot({ path: shot });
    const png = await readFile(shot);
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect(png.readUInt32BE(16)).toBe(1280); // IHDR width
    await page.close();
  });

  it("prints cleanly: one shell per page, repeated table heads, nothing wider than the paper", async () => {
    const { page } = await openReport(reports.precise);
    await page.emulateMedia({ media: "print" });
    const layout = await page.evaluate(() => ({
      breaks: [...document.querySelectorAll("section.shell")].map((s) => getComputedStyle(s).breakBefore),
      heads: [...document.querySelectorAll("thead")].map((t) => getComputedStyle(t).display),
      clamped: [...document.querySelectorAll("code.cmd")].filter(
        (c) => getComputedStyle(c).maxHeight !== "none",
      ).length,
    }));
    expect(new Set(layout.breaks)).toEqual(new Set(["page"]));
    expect(new Set(layout.heads)).toEqual(new Set(["table-header-group"]));
    expect(layout.clamped).toBe(0);
    const pdfPath = join(dir, "sample.pdf");
    await page.pdf({ path: pdfPath, preferCSSPageSize: true, printBackground: true });
    const pdf = await readFile(pdfPath, "latin1");
    const pages = pdf.match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;
    const sections = await page.$$eval("section.shell", (s) => s.length);
    expect(pages).toBeGreaterThan(sections);
    // A4 landscape is 842 points wide: at that width, nothing spills sideways.
    await page.setViewportSize({ width: 1075, height: 760 }); // 297 mm − 2 × 12 mm at 96 px per inch
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect((await stat(pdfPath)).size).toBeGreaterThan(10_000);
    await page.close();
  });

  it("tells the story of compat records, which have no evidence and no process times", async () => {
    const { page, problems } = await openReport(reports.compat);
    // What compat finds on the sample: its golden output (test/lib/adapters/cli/golden/).
    const golden = (await readFile("test/lib/adapters/cli/golden/sample-compat.jsonl", "utf8"))
      .split("\n")
      .filter((line) => line !== "")
      .map(
        (line) =>
          JSON.parse(line) as {
            HostName: string;
            ShellLocation: string;
            ProcessCommandLine: string;
            Attacker: Record<string, string>;
          },
      );
    const sections = await readSections(page);
    expect(sections.map((s) => s.title.replace(/^\d+\. /, "")).sort()).toEqual(
      [...new Set(golden.map((r) => `${r.HostName} ${r.ShellLocation}`))].sort(),
    );
    for (const section of sections) {
      const records = golden.filter((r) => section.title.endsWith(` ${r.HostName} ${r.ShellLocation}`));
      expect(section.commandRows).toBe(new Set(records.map((r) => r.ProcessCommandLine)).size);
      expect(section.requestRows).toBe(0);
      expect([...section.commandLines].sort()).toEqual(
        [...new Set(records.map((r) => r.ProcessCommandLine))].sort(),
      );
    }
    const text = await page.textContent("section.shell");
    expect(text).toContain("Compat mode keeps no requests as evidence");
    expect(text).toContain("query timestamp");
    // The user agent the query joined, shown decoded (IIS writes its spaces as +).
    expect(text).toContain(Object.values(golden[0]!.Attacker)[0]!.replaceAll("+", " "));
    expect(await page.textContent("header")).toContain("mode compat");
    expect(problems).toEqual([]);
    await page.close();
  });
});
