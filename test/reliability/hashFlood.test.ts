import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { beforeAll, describe, expect, it } from "vitest";

import { collidingKeys } from "../support/collidingKeys.js";
import { parseJsonl, runCli } from "../support/runCli.js";
import { scratchDir } from "../support/scratchDir.js";

// Whoever can send requests to a site writes its IIS logs. Against a page table ordered by a public hash, an
// attacker can send thousands of script pages whose stems share one hash, so that each lookup probes past all the
// others (quadratic: hours on a few hundred thousand). The page table is ordered by a hash under a key drawn when
// the run starts (docs/design.md §6.1): stems made to collide under MurmurHash3, which its first version used, are
// ordinary pages to it, and the findings are the same as without them.

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

  it.each(["compat", "precise"])("leaves %s mode's findings as they were", async (mode) => {
    const [clean, flood] = await Promise.all([
      runCli(["--alerts", `${F}/alerts.jsonl`, "--iis", `${F}/iis/web01`, "--mode", mode]),
      runCli(["--alerts", `${F}/alerts.jsonl`, "--iis", flooded, "--mode", mode]),
    ]);
    expect([clean.code, flood.code]).toEqual([0, 0]);
    const ids = (stdout: string) => parseJsonl(stdout).map((record) => record.RecordId);
    expect(ids(flood.stdout)).toEqual(ids(clean.stdout));
    expect(ids(clean.stdout).length).toBeGreaterThan(0);
    // Every flood line is read as the ordinary line it is (the fixture's own two bad lines are skipped).
    expect(flood.stderr).toMatch(new RegExp(`u_ex261120\\.log: ${FLOOD + 8} row\\(s\\) read, 2 skipped`));
  });
});
