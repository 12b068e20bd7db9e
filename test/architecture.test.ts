import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

// The layering the project promises (STYLE.md): a pure core in lib/ without Azure SDK imports, adapters apart, and
// one place that reads the environment.

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith(".ts") ? [path] : [];
  });
}

const LIB = sourceFiles("lib");
// Adapters over the SDKs, the Functions composition root, and the command line's --workspace entry point.
const MAY_IMPORT_AZURE = [/^lib\/adapters\//];

describe("architecture", () => {
  it("keeps @azure/* imports out of the pure core", () => {
    const offenders = LIB.filter((file) => !MAY_IMPORT_AZURE.some((allowed) => allowed.test(file))).filter(
      (file) => /from\s+["']@azure\//.test(readFileSync(file, "utf8")),
    );
    expect(offenders).toEqual([]);
  });

  it("reads the environment in one place only", () => {
    const readers = [...LIB, ...sourceFiles("functions")].filter((file) =>
      /process\.env\b/.test(readFileSync(file, "utf8")),
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
});
