import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { BufferedWriter } from "../../../tools/generate/BufferedWriter.js";

const dir = mkdtempSync(join(tmpdir(), "buffered-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("BufferedWriter", () => {
  it("writes everything, in order, across many flushes of a small buffer", () => {
    const path = join(dir, "many.txt");
    const writer = new BufferedWriter(path, 4096);
    const lines = Array.from({ length: 20_000 }, (_, i) => `line ${i} ${"x".repeat(i % 300)}\n`);
    for (const line of lines) writer.write(line);
    writer.close();
    expect(readFileSync(path, "utf8")).toBe(lines.join(""));
  });

  it("writes text larger than its buffer and multi-byte characters", () => {
    const path = join(dir, "big.txt");
    const writer = new BufferedWriter(path, 1024);
    const big = "é€".repeat(100_000);
    writer.write("a");
    writer.write(big);
    writer.write("z");
    writer.close();
    expect(readFileSync(path, "utf8")).toBe(`a${big}z`);
  });
});
