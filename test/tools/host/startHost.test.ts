import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { NO_CORE_TOOLS, NO_LOCAL_SETTINGS, startHost } from "../../../tools/host/startHost.js";

// Core Tools cannot be installed on this machine (its install downloads a binary), so the host itself does not
// run here. These tests run `startHost` without it, and with an executable named `func` that records how it was
// started, standing in for Core Tools on PATH.

let dir: string;
let root: string;
let bin: string;
let stderr: string;
const output = { write: (text: string) => (stderr += text) };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "start-host-"));
  root = join(dir, "project");
  bin = join(dir, "bin");
  mkdirSync(root);
  mkdirSync(bin);
  stderr = "";
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function installFunc(exitCode: number): void {
  const func = join(bin, "func");
  writeFileSync(func, `#!/bin/sh\necho "$* in $(pwd)" > "${join(dir, "func-ran")}"\nexit ${exitCode}\n`);
  chmodSync(func, 0o755);
}

describe("npm run start:host", () => {
  it("without Core Tools on PATH: exits 1, says how to install them and that npm start runs offline", async () => {
    copyFileSync("local.settings.example.json", join(root, "local.settings.json"));
    expect(await startHost({ root, path: bin, stderr: output })).toBe(1);
    expect(stderr).toBe(NO_CORE_TOOLS);
    expect(stderr).toMatch(/azure-functions-core-tools@4/);
    expect(stderr).toMatch(/`npm start` runs the same engine offline/);
  });

  it("does not take a file named func that may not be run", async () => {
    writeFileSync(join(bin, "func"), "not a program");
    chmodSync(join(bin, "func"), 0o644);
    expect(await startHost({ root, path: bin, stderr: output })).toBe(1);
    expect(stderr).toBe(NO_CORE_TOOLS);
  });

  it.runIf(process.platform !== "win32")(
    "without local.settings.json: exits 1 and says to copy the example, starting nothing",
    async () => {
      installFunc(0);
      expect(await startHost({ root, path: bin, stderr: output })).toBe(1);
      expect(stderr).toBe(NO_LOCAL_SETTINGS);
      expect(() => readFileSync(join(dir, "func-ran"))).toThrow();
    },
  );

  it.runIf(process.platform !== "win32")(
    "with both: runs `func start` in the project root and exits with the host's code",
    async () => {
      installFunc(3);
      copyFileSync("local.settings.example.json", join(root, "local.settings.json"));
      expect(await startHost({ root, path: `/nonexistent:${bin}`, stderr: output })).toBe(3);
      expect(readFileSync(join(dir, "func-ran"), "utf8")).toBe(`start in ${root}\n`);
      expect(stderr).toBe("");
    },
  );
});
