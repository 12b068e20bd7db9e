import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { runGenerateCli } from "../../../tools/generate/runGenerateCli.js";

const root = mkdtempSync(join(tmpdir(), "generate-cli-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function run(args: string[]) {
  let stdout = "";
  let stderr = "";
  const status = runGenerateCli(
    args,
    { write: (t: string) => (stdout += t) },
    { write: (t: string) => (stderr += t) },
  );
  return { status, stdout, stderr };
}

describe("runGenerateCli", () => {
  it("exits 2 with the problem and the usage on a bad option", () => {
    const result = run(["--out", join(root, "x"), "--days", "9"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("--days expects an integer in 1..7");
    expect(result.stderr).toContain("Usage: npm run generate");
    expect(existsSync(join(root, "x"))).toBe(false);
  });

  it("exits 2 on an unknown option", () => {
    const result = run(["--out", join(root, "x"), "--size", "3"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/Unknown option '--size'/);
  });

  it("prints the usage and exits 0 for --help", () => {
    const result = run(["--help"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("--lines <n>");
  });

  it("writes a data set, summarises it and exits 0", () => {
    const out = join(root, "ok");
    const result = run(["--out", out, "--lines", "1000", "--seed", "3"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      /^generate: wrote .*: \d+ IIS lines in \d+ files, \d+ alerts, \d+ findings, \d+ decoys/,
    );
    for (const file of ["alerts.json", "truth.json", "README.md", join("iis", "WEB01", "u_ex261120.log")]) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
  });

  it("exits 1 rather than delete files it did not write", () => {
    const out = join(root, "foreign");
    mkdirSync(join(out, "iis", "WEB01"), { recursive: true });
    writeFileSync(join(out, "iis", "WEB01", "notes.txt"), "mine");
    const result = run(["--out", out, "--lines", "1000"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("notes.txt: not a generated u_exYYMMDD.log");
    expect(existsSync(join(out, "iis", "WEB01", "notes.txt"))).toBe(true);
  });
});
