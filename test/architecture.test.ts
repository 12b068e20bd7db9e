import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";

import { describe, expect, it } from "vitest";

// The layers of docs/design.md §8, as folders, and what each may import. A failure names the file, the import and
// the rule it breaks.

type Layer = "core" | "readers" | "job" | "adapters" | "functions" | "bin" | "tools" | "test";

const LAYERS: readonly [string, Layer][] = [
  ["lib/core/", "core"],
  ["lib/readers/", "readers"],
  ["lib/job/", "job"],
  ["lib/adapters/", "adapters"],
  ["functions/", "functions"],
  ["bin/", "bin"],
  ["tools/", "tools"],
  ["test/", "test"],
];

/** Project folders each layer may import from. */
const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  core: ["core"],
  readers: ["core", "readers"],
  job: ["core", "readers", "job"],
  adapters: ["core", "readers", "job", "adapters"],
  // The entry points: thin shells over the adapters.
  functions: ["core", "readers", "job", "adapters"],
  bin: ["core", "readers", "job", "adapters"],
  // The generator, the benchmarks and the protocol doubles drive the product as its entry points do.
  tools: ["core", "readers", "job", "adapters", "functions", "tools"],
  test: ["core", "readers", "job", "adapters", "functions", "bin", "tools", "test"],
};

// The core is pure: no I/O, no SDK, no package. Hashing for record ids is the one thing it needs from Node.
const CORE_MODULES = new Set(["node:crypto"]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory())
      return entry.name === "fixtures" || entry.name === "golden" ? [] : sourceFiles(path);
    return /\.(ts|mjs)$/.test(entry.name) ? [path] : [];
  });
}

function layerOf(path: string): Layer | undefined {
  return LAYERS.find(([prefix]) => path.startsWith(prefix))?.[1];
}

/** Every module a file names: static and dynamic imports, re-exports, and worker scripts (`new URL(…)`). */
function importsOf(text: string): string[] {
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+["']([^"']+)["']/gm),
    ...text.matchAll(/^\s*import\s+["']([^"']+)["']/gm),
    ...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
    ...text.matchAll(/new URL\(\s*["'](\.[^"']+\.js)["']\s*,\s*import\.meta\.url\s*\)/g),
  ];
  return specifiers.map((match) => match[1]!);
}

function resolveTarget(file: string, specifier: string): string {
  return normalize(join(dirname(file), specifier)).replace(/\\/g, "/");
}

// This file names imports in its own test cases: it is left out of the scan.
const FILES = ["lib", "functions", "bin", "tools", "test"]
  .flatMap(sourceFiles)
  .filter((file) => file !== "test/architecture.test.ts");

/** The imports that break a rule, each named with its file and the rule. */
function violations(files: readonly string[], read: (file: string) => string): string[] {
  const found: string[] = [];
  for (const file of files) {
    const layer = layerOf(file)!;
    for (const specifier of importsOf(read(file))) {
      if (specifier.startsWith(".")) {
        const target = resolveTarget(file, specifier);
        if (target.startsWith("dist/") || target.startsWith("node_modules/")) continue;
        const targetLayer = layerOf(target);
        if (targetLayer === undefined) {
          found.push(`${file} imports ${specifier}: outside every layer`);
        } else if (!MAY_IMPORT[layer].includes(targetLayer)) {
          found.push(`${file} imports ${specifier}: ${layer} may not import ${targetLayer}`);
        }
      } else if (layer === "core" && !CORE_MODULES.has(specifier)) {
        found.push(`${file} imports ${specifier}: the core imports no package and does no I/O`);
      } else if ((layer === "readers" || layer === "job") && specifier.startsWith("@azure/")) {
        found.push(`${file} imports ${specifier}: only adapters, entry points and tools use the Azure SDKs`);
      }
    }
  }
  return found;
}

describe("architecture (docs/design.md §8)", () => {
  it("keeps every import within what its layer may import", () => {
    expect(violations(FILES, (file) => readFileSync(file, "utf8"))).toEqual([]);
  });

  it("names the offending import when a rule is broken", () => {
    // The checker itself, on a tree made to break each rule once.
    const tree: Record<string, string> = {
      "lib/core/correlate/Correlator.ts": 'import type { W3cLine } from "../../readers/w3c/W3cLine.js";',
      "lib/core/records/io.ts": 'import { readFile } from "node:fs/promises";',
      "lib/readers/w3c/x.ts": 'import { runScheduled } from "../../job/runScheduled.js";',
      "lib/job/x.ts": 'export { LogsQueryClient } from "@azure/monitor-query-logs";',
      "lib/adapters/cli/x.ts": 'const m = await import("../../../test/support/runCli.js");',
      "tools/bench/x.ts": 'const worker = new URL("../../test/support/w.js", import.meta.url);',
    };
    expect(violations(Object.keys(tree), (file) => tree[file]!)).toEqual([
      "lib/core/correlate/Correlator.ts imports ../../readers/w3c/W3cLine.js: core may not import readers",
      "lib/core/records/io.ts imports node:fs/promises: the core imports no package and does no I/O",
      "lib/readers/w3c/x.ts imports ../../job/runScheduled.js: readers may not import job",
      "lib/job/x.ts imports @azure/monitor-query-logs: only adapters, entry points and tools use the Azure SDKs",
      "lib/adapters/cli/x.ts imports ../../../test/support/runCli.js: adapters may not import test",
      "tools/bench/x.ts imports ../../test/support/w.js: tools may not import test",
    ]);
  });

  it("reads the environment in one place only", () => {
    const readers = FILES.filter((file) => !file.startsWith("test/") && !file.startsWith("tools/")).filter(
      (file) => /process\.env\b/.test(readFileSync(file, "utf8")),
    );
    expect(readers).toEqual(["lib/adapters/functions/root.ts"]);
  });

  it("keeps functions/ thin: one trigger per file, registered at the bottom", () => {
    for (const file of sourceFiles("functions")) {
      const text = readFileSync(file, "utf8").trimEnd();
      expect(text.split("\n").at(-1), file).toMatch(/^app\.(timer|http)\(/);
      expect(text.match(/^app\.(timer|http)\(/gm), file).toHaveLength(1);
    }
  });

  it("mirrors lib/ and tools/ in test/: every test sits in a folder of the source tree", () => {
    const strays = sourceFiles("test")
      .filter((file) => /^test\/(lib|tools)\//.test(file))
      .filter((file) => !existsSync(dirname(file).replace(/^test\//, "")));
    expect(strays).toEqual([]);
  });

  it("cites only documents inside the repository", () => {
    const outside = FILES.filter((file) =>
      /\b(DESIGN|STYLE)(\.md)?\b ?(§|B\d)|\.\.\/shared\//.test(readFileSync(file, "utf8")),
    );
    expect(outside).toEqual([]);
  });
});
