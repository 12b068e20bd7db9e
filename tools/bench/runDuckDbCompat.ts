import { DuckDBInstance } from "@duckdb/node-api";

import { extractCompatCommands } from "../../lib/core/correlate/compat/extractCompatCommands.js";
import { Diagnostics } from "../../lib/core/Diagnostics.js";
import { DEFAULT_ENGINE_OPTIONS } from "../../lib/core/model/EngineOptions.js";
import { readAlertFile } from "../../lib/readers/alerts/readAlertFile.js";
import { listIisFiles } from "../../lib/readers/iis/listIisFiles.js";
import { buildCompatSql } from "./buildCompatSql.js";
import { compatRowKey } from "./compatRows.js";
import { readFirstLayout } from "./readFirstLayout.js";

/** DuckDB's threads: as many as the CLI may use on the benchmark's 2-core machine. */
export const DUCKDB_THREADS = 2;

/**
 * The reference: the compat correlation with DuckDB. The alert side is tiny and is the project's own
 * (`extractCompatCommands`: the file and process entities, handed to DuckDB as two tables that the SQL joins on
 * `$id` across alerts, B2); the IIS side, which is most of the work, is DuckDB SQL over the log files (see
 * `buildCompatSql`). Returns the rows as `compatRowKey` texts.
 */
export async function runDuckDbCompat(alertsPath: string, iisPath: string): Promise<string[]> {
  const diagnostics = new Diagnostics();
  const alerts = await readAlertFile(alertsPath, diagnostics);
  const { join } = extractCompatCommands(alerts, DEFAULT_ENGINE_OPTIONS, undefined, diagnostics);
  const layouts = await Promise.all((await listIisFiles(iisPath)).map((file) => readFirstLayout(file.path)));

  const instance = await DuckDBInstance.create(":memory:", { threads: String(DUCKDB_THREADS) });
  const connection = await instance.connect();
  try {
    await connection.run(
      "CREATE TABLE files (timeKey BIGINT, hostName VARCHAR, imageName VARCHAR, id VARCHAR)",
    );
    await connection.run("CREATE TABLE processes (ref VARCHAR, commandLine VARCHAR)");
    const files = await connection.createAppender("files");
    for (const file of join.files) {
      for (const id of file.ids) {
        files.appendBigInt(BigInt(file.timeKey));
        files.appendVarchar(file.hostName);
        files.appendVarchar(file.imageName);
        files.appendVarchar(id);
        files.endRow();
      }
    }
    files.closeSync();
    const processes = await connection.createAppender("processes");
    for (const [ref, lines] of join.commandLines) {
      for (const line of lines) {
        processes.appendVarchar(ref);
        processes.appendVarchar(line);
        processes.endRow();
      }
    }
    processes.closeSync();
    const sql = buildCompatSql(layouts, DEFAULT_ENGINE_OPTIONS.distinctIpThreshold);
    const rows = (await connection.runAndReadAll(sql)).getRowObjectsJson();
    return rows.map((row) =>
      compatRowKey({
        ShellLocation: text(row.stem),
        ProcessCommandLine: text(row.commandLine),
        HostName: text(row.hostName),
        AttackerIP: text(row.ip),
        timestamp: new Date(Number(row.startMs)).toISOString(),
        Sites: Array.isArray(row.sites) ? row.sites.map(text) : [],
        Attacker: { [text(row.ip)]: text(row.ua) },
        PageDistinctIPs: Number(row.ips),
      }),
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** A VARCHAR column's value (JSON of anything else, so that a type mix-up shows in the comparison). */
function text(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
