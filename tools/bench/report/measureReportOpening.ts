import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";

import type { Browser } from "playwright-core";

/** What the page's own clocks say of one opening, in ms from the start of navigation. */
export interface Opening {
  firstContentfulPaint: number;
  domContentLoaded: number;
  load: number;
  /** From the call to open the file until Playwright saw `load` (the browser's whole round trip). */
  wall: number;
  /** Jumping to the last shell's section and painting it (sections are laid out as they are reached). */
  jumpToLast: number;
  shells: number;
  /** Table rows in the page, the report's bulk. */
  rows: number;
}

const VIEWPORT = { width: 1280, height: 900 };

/** Opens the report once, in a new browser context (no cache, nothing from a run before), and reads its timings. */
export async function openReport(browser: Browser, file: string): Promise<Opening> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    const started = performance.now();
    await page.goto(pathToFileURL(file).href, { waitUntil: "load", timeout: 60_000 });
    const wall = performance.now() - started;
    // Evaluated in the page, where the DOM's clocks are (a string: the build's types are Node's, not the DOM's).
    const timing = await page.evaluate<Omit<Opening, "wall">>(`(async () => {
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
    return { ...timing, wall };
  } finally {
    await context.close();
  }
}

const KINDS: Record<string, string> = {
  ParseHTML: "parse",
  UpdateLayoutTree: "style",
  Layout: "layout",
  PrePaint: "paint",
  Paint: "paint",
};

/**
 * The renderer's main-thread CPU time (the trace's thread durations) to open the report, by kind of work: what
 * the machine's other load does not inflate as it does wall time, so runs on a busy machine stay comparable.
 */
export async function traceMainThread(browser: Browser, file: string): Promise<Record<string, number>> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    await browser.startTracing(page, { categories: ["devtools.timeline"] });
    await page.goto(pathToFileURL(file).href, { waitUntil: "load", timeout: 60_000 });
    const trace = JSON.parse((await browser.stopTracing()).toString("utf8")) as {
      traceEvents: { name: string; ph: string; tdur?: number }[];
    };
    const totals: Record<string, number> = { parse: 0, style: 0, layout: 0, paint: 0 };
    for (const event of trace.traceEvents) {
      const kind = KINDS[event.name];
      if (kind !== undefined && event.ph === "X" && event.tdur !== undefined)
        totals[kind]! += event.tdur / 1000;
    }
    return totals;
  } finally {
    await context.close();
  }
}
