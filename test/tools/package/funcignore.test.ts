import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { afterAll, describe, expect, it } from "vitest";

// `.funcignore` decides what `func azure functionapp publish` uploads. Core Tools reads it with gitignore
// semantics; git itself applies it here, in an empty repository so that no other ignore file takes part.

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "funcignore-"));
execFileSync("git", ["init", "-q"], { cwd: scratch });
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The paths of `paths` that `.funcignore` leaves out. */
function ignored(paths: readonly string[]): Set<string> {
  const answer = spawnSync(
    "git",
    ["-c", `core.excludesFile=${join(ROOT, ".funcignore")}`, "check-ignore", "--no-index", "--stdin"],
    { cwd: scratch, input: paths.join("\n"), encoding: "utf8" },
  );
  // check-ignore exits 1 when no path matched: an empty answer, not a failure.
  if (answer.status !== 0 && answer.status !== 1)
    throw new Error(`git check-ignore failed: ${answer.stderr}`);
  const output = answer.stdout;
  return new Set(output.split("\n").filter((line) => line !== ""));
}

function filesUnder(dir: string, prefix: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? filesUnder(join(dir, entry.name), `${prefix}${entry.name}/`)
      : [`${prefix}${entry.name}`],
  );
}

describe(".funcignore", () => {
  it("uploads host.json, package.json and the compiled functions and lib only, of the repository's own files", () => {
    const tracked = execFileSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" })
      .split("\n")
      .filter((line) => line !== "");
    const compiled = filesUnder(join(ROOT, "dist"), "dist/");
    const candidates = [...tracked, ...compiled, "local.settings.json"];
    const left = ignored(candidates);
    const uploaded = candidates.filter((path) => !left.has(path));
    expect(uploaded.filter((path) => !/^dist\/(functions|lib)\/.+\.js$/.test(path)).sort()).toEqual([
      "host.json",
      "package.json",
    ]);
    expect(uploaded).toContain("dist/functions/enrichTimer.js");
  });

  it("keeps node_modules, whatever its packages' folders are called", () => {
    const modules = [
      "node_modules/@azure/functions/package.json",
      "node_modules/zod/lib/index.js",
      "node_modules/some-package/test/fixture.js",
      "node_modules/some-package/tools/build.js",
    ];
    expect([...ignored(modules)]).toEqual([]);
  });
});
