// The callbacks given to page.evaluate run in the browser: they are typed against the DOM. (The build's program,
// tsconfig.build.json, has no test files, so lib/ still cannot use browser globals.)
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { createWriteStream } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { writeHtmlReport } from "../../../../../../lib/adapters/cli/output/html/writeHtmlReport.js";
import { Diagnostics } from "../../../../../../lib/core/Diagnostics.js";
import type {
  EnrichmentRecord,
  EvidenceRequest,
} from "../../../../../../lib/core/records/EnrichmentRecord.js";
import { launchChromium } from "../../../../../../tools/browser/launchChromium.js";
import { scratchDir } from "../../../../../support/scratchDir.js";

// A report of hostile data in headless Chromium: every attacker-controlled string is shown as text, equal to the
// input, with no element made from it and no script or dialog run; escaping alone suffices (the page is also
// read with its Content-Security-Policy ignored), and the policy alone stops a slip (markup injected on purpose).

// Each payload, if it ever ran, would open a dialog, retitle the page and log: any one of them is caught.
const RUN = `alert(1);document.title='pwned';console.log('pwned')`;
const HOSTILE = {
  img: `cmd.exe /c echo <img src=x onerror="${RUN}"> & type x`,
  scriptEnd: `powershell -c "</script><script>${RUN}</script>" &lt;b&gt; stays as typed`,
  rtl: `cmd.exe /c start invoice\u202etxt.exe \u001b[31mred`,
  long: `cmd.exe /c echo ${"A<b>&".repeat(2044)}end!`, // 10,240 characters
  stem: `/uploads/"><svg onload="${RUN}">.aspx`,
  query: `q=<iframe src="javascript:${RUN}"></iframe>&x='"`,
  userAgent: `Mozilla/5.0+<script>${RUN}</script>+"quoted"+A+B`,
  alertName: `<b onmouseover="${RUN}">Web shell</b> </title><style>body{display:none}</style>`,
  host: `web01<style>*{display:none}</style>`,
  forwarded: `"><a href="javascript:${RUN}">x</a>, 10.0.0.1`,
  image: `<math><mi xlink:href="javascript:${RUN}">cmd.exe</mi></math>`,
  parent: `</td></tr></table><h1>injected</h1>`,
  processId: `"'><!--`,
  site: `<!-- W3SVC1`,
  source: `alerts<img src=x onerror="${RUN}">.json`,
  reason: `Entities is not valid JSON: </style><script>${RUN}</script>`,
  warning: `<meta http-equiv="refresh" content="0;url=javascript:${RUN}">`,
} as const;

const T0 = Date.parse("2026-11-20T10:15:31Z");
const ALLOWED_TAGS = new Set(
  "html head meta title style body header h1 h2 h3 p strong section dl dt dd div table colgroup col thead tbody tr th td span code time nav a footer".split(
    " ",
  ),
);

function request(overrides: Partial<EvidenceRequest>): EvidenceRequest {
  return {
    time: new Date(T0).toISOString(),
    method: "POST",
    uriStem: HOSTILE.stem,
    uriQuery: HOSTILE.query,
    status: "200",
    clientIP: "10.0.0.4",
    forwardedFor: HOSTILE.forwarded,
    userAgent: HOSTILE.userAgent,
    site: HOSTILE.site,
    timeTakenMs: 1250,
    ...overrides,
  };
}

function record(commandLine: string, i: number): EnrichmentRecord {
  return {
    TimeGenerated: T0 - 1250,
    RecordId: `0000000000000000000000000000000${i}`,
    MatchMode: "precise",
    SystemAlertId: `a2f0c6b1-6d0e-4c5a-9d7e-1f3a5b7c9d1${i}`,
    AlertName: HOSTILE.alertName,
    AlertTime: T0 + 3_600_000,
    HostName: HOSTILE.host,
    DnsDomain: "contoso.local",
    Sites: [HOSTILE.site],
    ShellLocation: HOSTILE.stem,
    ShellName: "x.aspx",
    ShellDirectory: "/uploads/",
    ProcessName: HOSTILE.image,
    ProcessCommandLine: commandLine,
    ProcessId: `${HOSTILE.processId}${i}`,
    ProcessCreationTime: T0 - 500 + i,
    ParentProcessName: HOSTILE.parent,
    ProcessSource: "SecurityAlert",
    AttackerIP: "203.0.113.77",
    AttackerUserAgents: [HOSTILE.userAgent],
    Attacker: { "203.0.113.77": HOSTILE.userAgent },
    RequestCount: 1,
    FirstRequestTime: T0,
    LastRequestTime: T0,
    PageDistinctIPs: 1,
    Evidence: [request({})],
    EnrichedAt: T0 + 7_200_000,
  };
}

const COMMAND_LINES = [HOSTILE.img, HOSTILE.scriptEnd, HOSTILE.rtl, HOSTILE.long];
const TITLE = "Web shell command report: 1 shell(s), 4 finding(s)";

const scratch = scratchDir("hostile-report-");
let browser: Browser;
let file: string;

beforeAll(async () => {
  const dir = scratch.path;
  file = join(dir, "hostile.html");
  const diagnostics = new Diagnostics();
  diagnostics.read(HOSTILE.source, 10);
  diagnostics.skip({ source: HOSTILE.source, line: 3, reason: HOSTILE.reason });
  diagnostics.warn(HOSTILE.warning);
  [browser] = await Promise.all([
    launchChromium(),
    writeHtmlReport(createWriteStream(file), COMMAND_LINES.map(record), {
      mode: "precise",
      range: undefined,
      diagnostics,
      selectedAlerts: 4,
      commands: 4,
      candidates: 1,
      iis: { files: [], totalBytes: 0, read: 0, skipped: 0, accepted: 0, filesWithoutHost: [HOSTILE.source] },
      evidenceCap: 20,
      generatedAt: T0 + 7_200_000,
    }),
  ]);
});
afterAll(async () => browser?.close());

/** Opens `path` in a new context and reports what it ran, logged, fetched and made of the page. */
async function inspect(path: string, context: BrowserContext) {
  const page = await context.newPage();
  const url = pathToFileURL(path).href;
  const dialogs: string[] = [];
  const logs: string[] = [];
  const fetched: string[] = [];
  const blocked: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on("console", (message) => logs.push(message.text()));
  page.on("pageerror", (error) => logs.push(error.message));
  page.on("requestfinished", (r) => {
    if (r.url() !== url) fetched.push(r.url());
  });
  page.on("requestfailed", (r) => blocked.push(`${r.url()} ${r.failure()?.errorText}`));
  await page.goto(url, { waitUntil: "load" });
  // Pass the mouse over everything and click it: an injected handler would run now.
  await page.evaluate(() => {
    for (const node of document.querySelectorAll("body *")) {
      for (const type of ["mouseover", "click", "focus"])
        node.dispatchEvent(new MouseEvent(type, { bubbles: true }));
    }
  });
  const dom = await page.evaluate(() => ({
    title: document.title,
    tags: [...new Set([...document.querySelectorAll("*")].map((node) => node.localName))].sort(),
    styles: document.querySelectorAll("style").length,
    headings1: document.querySelectorAll("h1").length,
    scripts: document.scripts.length,
    images: document.images.length,
    // A command line, a page: each in an element of its own, whose text must be the value itself.
    commandLines: [...document.querySelectorAll("tr.command code.cmd")].map((node) => node.textContent),
    shownCommandLines: [...document.querySelectorAll("tr.command code.cmd")].map(
      (node) => (node as HTMLElement).innerText,
    ),
    commandMarks: [...document.querySelectorAll("tr.command code.cmd")].map(
      (node) => node.nextElementSibling?.textContent ?? "",
    ),
    paths: [...document.querySelectorAll("tr.request code.path")].map((node) => node.textContent),
    userAgents: [...document.querySelectorAll("tr.request [title]")].map((node) => ({
      title: node.getAttribute("title"),
      text: node.textContent,
    })),
    // Everything else sits among labels: the page's text must hold it whole (had it been read as markup, it would
    // have become elements and left the text).
    text: document.body.innerText,
    visible: getComputedStyle(document.body).display,
  }));
  await page.close();
  return { dialogs, logs, fetched, blocked, dom };
}

describe("a report of hostile data in Chromium", () => {
  it("shows every attacker string as text equal to the input, with no element made and nothing run", async () => {
    const context = await browser.newContext();
    const { dialogs, logs, fetched, blocked, dom } = await inspect(file, context);
    await context.close();
    expect(dialogs).toEqual([]);
    expect(logs).toEqual([]); // not even a CSP report: there was nothing for the policy to block
    expect([fetched, blocked]).toEqual([[], []]);
    expect(dom.title).toBe(TITLE);
    expect(dom.tags.filter((tag) => !ALLOWED_TAGS.has(tag))).toEqual([]);
    expect([dom.scripts, dom.images, dom.styles, dom.headings1]).toEqual([0, 0, 1, 1]);
    expect(dom.visible).toBe("block");
    // The command lines, as the DOM holds them and as the page shows them.
    expect(dom.commandLines).toEqual(COMMAND_LINES);
    expect(dom.shownCommandLines).toEqual(COMMAND_LINES);
    expect(dom.commandLines[3]).toHaveLength(10_240);
    // The right-to-left override and the escape stay in the text, and a mark names them.
    expect(dom.commandMarks).toEqual(["", "", "holds U+202E U+001B", ""]);
    expect(new Set(dom.paths)).toEqual(new Set([HOSTILE.stem]));
    // User agents: shown with IIS's "+" as spaces, the title keeping them as logged.
    expect(dom.userAgents).toContainEqual({
      title: HOSTILE.userAgent,
      text: HOSTILE.userAgent.split("+").join(" "),
    });
    for (const value of [
      HOSTILE.query,
      HOSTILE.alertName,
      HOSTILE.host,
      HOSTILE.forwarded,
      HOSTILE.image,
      HOSTILE.parent,
      HOSTILE.site,
      HOSTILE.source,
      HOSTILE.reason,
      HOSTILE.warning,
      `${HOSTILE.processId}0`,
    ])
      expect(dom.text).toContain(value);
  });

  it("needs no Content-Security-Policy to stay inert: escaping alone holds", async () => {
    const context = await browser.newContext({ bypassCSP: true });
    const { dialogs, logs, fetched, blocked, dom } = await inspect(file, context);
    await context.close();
    expect([dialogs, logs, fetched, blocked]).toEqual([[], [], [], []]);
    expect(dom.title).toBe(TITLE);
    expect(dom.tags.filter((tag) => !ALLOWED_TAGS.has(tag))).toEqual([]);
    expect(dom.commandLines).toEqual(COMMAND_LINES);
  });

  it("would stop a slip: markup injected into the page on purpose runs nothing and loads nothing", async () => {
    const html = await readFile(file, "utf8");
    const slipped = join(scratch.path, "slipped.html");
    const injected = `<script>${RUN}</script><img src="x" onerror="${RUN}"><img src="http://127.0.0.1:9/x.png"><iframe src="javascript:${RUN}"></iframe><form action="http://127.0.0.1:9/"><button id="go">go</button></form>`;
    await writeFile(slipped, html.replace("<body>", `<body>${injected}`));
    const context = await browser.newContext();
    const { dialogs, logs, fetched, blocked, dom } = await inspect(slipped, context);
    await context.close();
    expect(dialogs).toEqual([]);
    expect(fetched).toEqual([]);
    // The image and the frame were asked for and refused by the policy, before any connection.
    expect(blocked.map((line) => line.replace(/^.*\//, ""))).toEqual(["x csp", "x.png csp"]);
    expect(dom.title).toBe(TITLE);
    expect(dom.scripts).toBe(1); // it is there, and it did not run
    expect(logs.some((line) => line.includes("pwned"))).toBe(false);
    expect(logs.filter((line) => /Content Security Policy/.test(line)).length).toBeGreaterThanOrEqual(3);
  });
});
