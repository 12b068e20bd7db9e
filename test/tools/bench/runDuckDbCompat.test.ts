import { describe, expect, it } from "vitest";

import { Diagnostics } from "../../../lib/core/Diagnostics.js";
import { DEFAULT_ENGINE_OPTIONS } from "../../../lib/core/model/EngineOptions.js";
import { toJsonRecord } from "../../../lib/core/records/toJsonRecord.js";
import { runOffline } from "../../../lib/job/runOffline.js";
import { buildCompatSql } from "../../../tools/bench/buildCompatSql.js";
import { compatRowKey, compatRowsOfCli, sameRows } from "../../../tools/bench/compatRows.js";
import { runDuckDbCompat } from "../../../tools/bench/runDuckDbCompat.js";

// The benchmark's reference must compute what the CLI's compat mode computes, or the comparison means nothing.

describe("the DuckDB compat reference", () => {
  it("gives the CLI's compat output on the bundled sample", async () => {
    const { records } = await runOffline(
      { alerts: ["data/sample/alerts.json"], iis: [{ path: "data/sample/iis" }], range: undefined },
      { ...DEFAULT_ENGINE_OPTIONS, mode: "compat" },
      new Diagnostics(),
      () => 0,
    );
    const cli = compatRowsOfCli(
      [...records].map((record) => JSON.stringify(toJsonRecord(record))).join("\n"),
    );
    const duckdb = await runDuckDbCompat("data/sample/alerts.json", "data/sample/iis");
    expect(cli.length).toBeGreaterThan(0);
    expect(sameRows(cli, duckdb)).toBe(true);
  }, 60_000);

  it("scans each layout once and reads a field a layout lacks as empty", () => {
    const sql = buildCompatSql(
      [
        { path: "a/u_ex1.log", positions: [0, 1, 2, 3, 10, 11, 6] },
        { path: "a/u_ex2.log", positions: [0, 1, 2, 3, 10, 11, 6] },
        { path: "b/it's.log", positions: [0, 1, -1, -1, 8, 9, 4] },
      ],
      3,
    );
    expect(sql.match(/read_csv\(/g)).toHaveLength(2);
    expect(sql).toContain("read_csv(['a/u_ex1.log', 'a/u_ex2.log']");
    expect(sql).toContain(
      "'' AS site, '' AS host, c8 AS ip, c9 AS ua, c4 AS stem FROM read_csv(['b/it''s.log']",
    );
    expect(sql).toContain("AND b.ips <= 3");
  });

  it("compares rows as sets, sites in any order", () => {
    const row = {
      ShellLocation: "/x.aspx",
      ProcessCommandLine: "whoami",
      HostName: "WEB01",
      AttackerIP: "1.2.3.4",
      timestamp: "2026-11-20T10:15:31.000Z",
      Sites: ["W3SVC2", "W3SVC1"],
      Attacker: { "1.2.3.4": "curl" },
      PageDistinctIPs: 1,
    };
    const other = compatRowKey({ ...row, Sites: ["W3SVC1", "W3SVC2"] });
    expect(sameRows([compatRowKey(row)], [other])).toBe(true);
    expect(sameRows([compatRowKey(row)], [other, compatRowKey({ ...row, PageDistinctIPs: 2 })])).toBe(false);
  });
});
