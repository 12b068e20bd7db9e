// `npm run report:screenshot`: the README's picture of a report (docs/report-sample.png), made from the bundled
// sample with the command's own report writer and Debian's headless Chromium.
import { createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { writeHtmlReport } from "../../lib/adapters/cli/output/html/writeHtmlReport.js";
import { Diagnostics } from "../../lib/core/Diagnostics.js";
import { DEFAULT_ENGINE_OPTIONS } from "../../lib/core/model/EngineOptions.js";
import { runOffline } from "../../lib/job/runOffline.js";
import { launchChromium } from "./launchChromium.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url)); // dist/tools/browser/ → the package root
const OUT = join(ROOT, "docs/report-sample.png");
// The sample's first shell: behind a load balancer (the attacker from X-Forwarded-For), requests and commands
// interleaved, a command and the program it started.
const SECTION = "#shell-1";
// Small enough for a README (under 150 kB), wide enough for the timeline's four columns.
const WIDTH = 1180;
const HEIGHT = 700;

const dir = await mkdtemp(join(tmpdir(), "report-screenshot-"));
try {
  const diagnostics = new Diagnostics();
  const result = await runOffline(
    {
      alerts: [join(ROOT, "data/sample/alerts.json")],
      iis: [{ path: join(ROOT, "data/sample/iis") }],
      range: undefined,
    },
    DEFAULT_ENGINE_OPTIONS,
    diagnostics,
    Date.now,
  );
  const file = join(dir, "sample.html");
  await writeHtmlReport(createWriteStream(file), [...result.records], {
    ...result,
    diagnostics,
    mode: DEFAULT_ENGINE_OPTIONS.mode,
    range: undefined,
    evidenceCap: DEFAULT_ENGINE_OPTIONS.evidenceCap,
    generatedAt: Date.now(),
  });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: WIDTH, height: HEIGHT } });
    await page.goto(`${pathToFileURL(file).href}${SECTION}`, { waitUntil: "load" });
    // Sections are laid out when they come into view: let it render before measuring where it is.
    await page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))");
    const box = (await page.locator(SECTION).boundingBox())!;
    await page.screenshot({ path: OUT, clip: { ...box, height: Math.min(box.height, HEIGHT) } });
  } finally {
    await browser.close();
  }
  process.stdout.write(`wrote ${OUT} (${Math.round((await stat(OUT)).size / 1024)} kB)\n`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
