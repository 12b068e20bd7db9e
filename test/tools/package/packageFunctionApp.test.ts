import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// `npm run package` end to end: the zip is unpacked into a temporary folder outside the repository (so that no
// node_modules above it can stand in for a missing dependency) and loaded there the way the Functions worker loads
// it, with nothing else installed.

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const PROJECT = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

let work: string;
let app: string;
let zipBytes: number;
let files: string[];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "functionapp-"));
  const zip = join(work, "functionapp.zip");
  const { stdout } = await run(process.execPath, ["dist/tools/package/packageMain.js", "--out", zip], {
    cwd: ROOT,
  });
  const bytes = readFileSync(zip);
  zipBytes = bytes.byteLength;
  app = join(work, "app");
  const entries = unzipSync(bytes);
  files = Object.keys(entries);
  for (const [name, data] of Object.entries(entries)) {
    mkdirSync(dirname(join(app, name)), { recursive: true });
    writeFileSync(join(app, name), data);
  }
  // The figure the README quotes: `npm run package` prints it, and so does this test.
  console.log(`${stdout.trim()} (zip: ${(zipBytes / 1024 / 1024).toFixed(1)} MiB)`);
}, 180_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("npm run package (dist/functionapp.zip)", () => {
  it("has host.json, package.json and the compiled functions at its root, as the host expects in wwwroot", () => {
    expect(files).toContain("host.json");
    expect(files).toContain("package.json");
    expect(files.filter((file) => file.startsWith("functions/")).sort()).toEqual([
      "functions/enrichHttp.js",
      "functions/enrichTimer.js",
    ]);
    expect(readFileSync(join(app, "host.json"), "utf8")).toBe(readFileSync(join(ROOT, "host.json"), "utf8"));
  });

  it("holds compiled JavaScript and production dependencies only: no sources, tests, tools, data or command", () => {
    const own = files.filter((file) => !file.startsWith("node_modules/"));
    expect(own.filter((file) => !/^(functions|lib)\/.+\.js$/.test(file)).sort()).toEqual([
      "host.json",
      "package.json",
    ]);
    const installed = new Set(
      files
        .filter((file) => file.startsWith("node_modules/"))
        .map((file) =>
          file
            .split("/")
            .slice(1, file.startsWith("node_modules/@") ? 3 : 2)
            .join("/"),
        ),
    );
    for (const name of Object.keys(PROJECT.dependencies)) expect(installed.has(name), name).toBe(true);
    for (const name of Object.keys(PROJECT.devDependencies)) expect(installed.has(name), name).toBe(false);
  });

  it("names the compiled functions as main and declares the production dependencies only", () => {
    const manifest = JSON.parse(readFileSync(join(app, "package.json"), "utf8")) as Record<string, unknown>;
    expect(manifest).toMatchObject({ type: "module", main: "functions/*.js" });
    expect(manifest["dependencies"]).toEqual(PROJECT.dependencies);
    expect(manifest).not.toHaveProperty("devDependencies");
    expect(manifest).not.toHaveProperty("scripts");
  });

  it("registers both functions with their bindings when loaded from the unpacked folder alone", async () => {
    const probe = fileURLToPath(new URL("observeRegistrations.mjs", import.meta.url));
    const { stdout } = await run(process.execPath, [probe, app], {
      cwd: app,
      env: { PATH: process.env["PATH"] ?? "" },
    });
    const loaded = JSON.parse(stdout) as {
      model: string;
      registrations: { name: string; bindings: Record<string, Record<string, unknown>> }[];
    };
    expect(loaded.model).toBe("@azure/functions");
    const triggers = Object.fromEntries(
      loaded.registrations.map(({ name, bindings }) => [
        name,
        Object.values(bindings).find((binding) => binding["direction"] === "in"),
      ]),
    );
    expect(triggers).toEqual({
      enrich: expect.objectContaining({
        type: "httpTrigger",
        authLevel: "function",
        methods: ["GET", "POST"],
        route: "enrich",
      }),
      enrichTimer: expect.objectContaining({ type: "timerTrigger", schedule: "%ENRICH_SCHEDULE%" }),
    });
  });

  it("stays well inside what a deployment uploads comfortably", () => {
    expect(zipBytes).toBeLessThan(50 * 1024 * 1024);
  });
});
