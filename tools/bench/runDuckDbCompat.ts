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
 * (`extractCompatCommands`, handed to DuckDB as a table); the IIS side, which is all the work, is DuckDB SQL over
 * the log files (see `buildCompatSql`). Returns the rows as `compatRowKey` texts.
 */
export async function runDuckDbCompat(alertsPath: string, iisPath: string): Promise<string[]> {
  const diagnostics = new Diagnostics();
  const alerts = await readAlertFile(alertsPath, diagnostics);
  const { commands } = extractCompatCommands(alerts, DEFAULT_ENGINE_OPTIONS, undefined, diagnostics);
  const layouts = await Promise.all((await listIisFiles(iisPath)).map((file) => readFirstLayout(file.path)));

  const instance = await DuckDBInstance.create(":memory:", { threads: String(DUCKDB_THREADS) });
  const connection = await instance.connect();
  try {
    await connection.run(
      "CREATE TABLE commands (timeKey BIGINT, hostName VARCHAR, imageName VARCHAR, commandLine VARCHAR)",
    );
    const appender = await connection.createAppender("commands");
    for (const command of commands) {
      appender.appendBigInt(BigInt(command.timeKey));
      appender.appendVarchar(command.hostName);
      appender.appendVarchar(command.imageName);
      appender.appendVarchar(command.commandLine);
      appender.endRow();
    }
    appender.closeSync();
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
