import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { beforeAll, describe, expect, it } from "vitest";

import { collidingKeys } from "../support/collidingKeys.js";
import { parseJsonl, runCli } from "../support/runCli.js";
import { scratchDir } from "../support/scratchDir.js";

// Whoever can send requests to a site writes its IIS logs, and the page table's hash is public: an attacker can
// send thousands of script pages whose stems share one hash, so that each lookup would probe past all the others
// (quadratic: hours on a few hundred thousand). The table bounds its probes; the run says what it met, and the
// findings are the same as without the flood.

const F = "test/fixtures/cli";
const FLOOD = 20_000;

describe("a hash flood in the IIS logs", () => {
  const scratch = scratchDir("flood-");
  let flooded: string;

  beforeAll(async () => {
    flooded = join(scratch.path, "iis");
    await mkdir(join(flooded, "web01"), { recursive: true });
    // Stems as a log line holds them: script pages (".aspx" then a separator), printable, no space.
    const stems = collidingKeys(
      FLOOD,
      32,
      (n, attempt) => `/f/${n.toString(36)}-${attempt.toString(36)}.aspx/`,
      (byte) => byte > 0x20 && byte < 0x7f && (byte < 0x41 || byte > 0x5a), // lower case: precise lowers its pages
    );
    const lines = stems.map(
      (stem, n) =>
        `2026-11-20 08:00:00 W3SVC1 WEB01 10.1.0.11 GET ${stem.toString("latin1")} - 443 - ` +
        `198.51.${(n >> 8) & 255}.${n & 255} curl/8.0 - 404 0 2 1`,
    );
    const log = await readFile(`${F}/iis/web01/u_ex261120.log`, "utf8");
    await writeFile(join(flooded, "web01", "u_ex261120.log"), `${log}${lines.join("\n")}\n`);
  });

  it.each(["compat", "precise"])("leaves %s mode's findings as they were, and says so", async (mode) => {
    const [clean, flood] = await Promise.all([
      runCli(["--alerts", `${F}/alerts.jsonl`, "--iis", `${F}/iis/web01`, "--mode", mode]),
      runCli(["--alerts", `${F}/alerts.jsonl`, "--iis", flooded, "--mode", mode]),
    ]);
    expect([clean.code, flood.code]).toEqual([0, 0]);
    const ids = (stdout: string) => parseJsonl(stdout).map((record) => record.RecordId);
    expect(ids(flood.stdout)).toEqual(ids(clean.stdout));
    expect(ids(clean.stdout).length).toBeGreaterThan(0);
    expect(flood.stderr).toMatch(
      /\d+ distinct page\(s\) of the IIS logs share their hash .* \(a hash flood\)/,
    );
    expect(clean.stderr).not.toMatch(/hash flood/);
  });
});
