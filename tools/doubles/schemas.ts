import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { RECORD_COLUMNS } from "../../lib/core/records/columns.js";

/** A Log Analytics column type as the KQL language service names it. */
export type KqlColumnType =
  "string" | "int" | "long" | "real" | "bool" | "datetime" | "dynamic" | "guid" | "timespan";

/** One column of a table schema the KQL validator declares. */
export interface ColumnSchema {
  readonly name: string;
  readonly type: KqlColumnType;
  readonly description: string;
}

/** The Sentinel workspace's tables the KQL validator knows; a query may read only these. */
export type TableName = "SecurityAlert" | "W3CIISLog" | "DeviceProcessEvents" | "WebShellEnrichment_CL";

/** The tables of the app's own telemetry workspace that the health alert rules read. */
export type TelemetryTableName = "AppTraces" | "DCRLogErrors";

/** Raised when a documented schema table cannot be read; says which file and line. */
export class SchemaParseError extends Error {
  override readonly name = "SchemaParseError";
}

const KQL_COLUMN_TYPES: ReadonlySet<string> = new Set<KqlColumnType>([
  "string",
  "int",
  "long",
  "real",
  "bool",
  "datetime",
  "dynamic",
  "guid",
  "timespan",
]);

function isKqlColumnType(type: string): type is KqlColumnType {
  return KQL_COLUMN_TYPES.has(type);
}

/**
 * Reads the `| Column | Type | Description |` table of a Microsoft "tables" reference page (the `*-include.md`
 * files under `tools/doubles/schemas/`), so the validator checks queries against the documented schema rather
 * than a hand-copied one.
 */
export function parseColumnTable(markdown: string, source: string): ColumnSchema[] {
  const columns: ColumnSchema[] = [];
  let inTable = false;
  markdown.split(/\r?\n/).forEach((line, index) => {
    const cells = line.trim().startsWith("|") ? line.split("|").slice(1, -1) : undefined;
    if (cells === undefined) {
      inTable = false;
      return;
    }
    const [name = "", type = "", description = ""] = cells.map((cell) => cell.trim());
    if (name === "Column" && type === "Type") {
      inTable = true;
      return;
    }
    if (!inTable || /^-+$/.test(name)) return;
    if (!isKqlColumnType(type)) {
      throw new SchemaParseError(
        `${source}:${index + 1}: expected a Log Analytics column type for '${name}', got '${type}'`,
      );
    }
    columns.push({ name, type, description });
  });
  if (columns.length === 0) {
    throw new SchemaParseError(`${source}: expected a '| Column | Type | Description |' table, found none`);
  }
  return columns;
}

function readDocumentedTable(fileName: string): ColumnSchema[] {
  return parseColumnTable(
    readFileSync(join(packageRoot(), SCHEMAS, fileName), "utf8"),
    `${SCHEMAS}/${fileName}`,
  );
}

const SCHEMAS = "tools/doubles/schemas";

// This module runs from its source (tests) and from dist/ (benchmarks): the schema pages are found from the package
// root, which is the nearest folder above with a package.json.
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir)
      throw new SchemaParseError("expected to run inside the project, found no package.json above");
    dir = parent;
  }
  return dir;
}

/** `_ItemId`, a standard column of every table that the per-table reference pages do not list. */
const ITEM_ID: ColumnSchema = {
  name: "_ItemId",
  type: "string",
  description: "A unique identifier of the record (standard column of every table).",
};

/**
 * The standard columns Log Analytics adds to every DCR-based custom table (Azure Monitor "Standard columns in
 * Azure Monitor Logs"): they are queryable although the table declaration never lists them. `SourceSystem`,
 * `Computer` and `RawData` belonged to the retired agent-based custom logs and are not added.
 */
export const CUSTOM_TABLE_STANDARD_COLUMNS: readonly ColumnSchema[] = [
  { name: "TenantId", type: "string", description: "The Log Analytics workspace ID." },
  { name: "Type", type: "string", description: "The name of the table." },
  { name: "_ResourceId", type: "string", description: "The resource the record is associated with." },
  { name: "_SubscriptionId", type: "string", description: "The subscription the record is associated with." },
  { name: "_BilledSize", type: "real", description: "The record size in bytes." },
  { name: "_IsBillable", type: "string", description: "Whether ingesting the record is billed." },
  {
    name: "_TimeReceived",
    type: "datetime",
    description: "When the ingestion pipeline received the record.",
  },
  ITEM_ID,
];

/**
 * `sComputerName` (IIS `s-computername`) exists in W3CIISLog, and the original hunting query joins on it, but
 * the documented column list omits it.
 */
const W3CIISLOG_UNDOCUMENTED_COLUMNS: readonly ColumnSchema[] = [
  { name: "sComputerName", type: "string", description: "Name of the server that wrote the log line." },
  ITEM_ID,
];

/**
 * Every table the KQL validator declares, with its columns: `SecurityAlert`, `W3CIISLog` and `DeviceProcessEvents`
 * as Microsoft documents them (plus `_ItemId`), and `WebShellEnrichment_CL` as `RECORD_COLUMNS` plus the standard columns of a
 * custom table.
 */
export const TABLE_SCHEMAS: Readonly<Record<TableName, readonly ColumnSchema[]>> = {
  SecurityAlert: [...readDocumentedTable("securityalert-include.md"), ITEM_ID],
  W3CIISLog: [...readDocumentedTable("w3ciislog-include.md"), ...W3CIISLOG_UNDOCUMENTED_COLUMNS],
  DeviceProcessEvents: [...readDocumentedTable("deviceprocessevents-include.md"), ITEM_ID],
  WebShellEnrichment_CL: [...RECORD_COLUMNS, ...CUSTOM_TABLE_STANDARD_COLUMNS],
};

/**
 * The app's telemetry workspace, as Microsoft documents its tables: `AppTraces` (Application Insights traces, where
 * the worker's log lines land) and `DCRLogErrors` (the data collection rule's error logs).
 */
export const TELEMETRY_TABLE_SCHEMAS: Readonly<Record<TelemetryTableName, readonly ColumnSchema[]>> = {
  AppTraces: readDocumentedTable("apptraces-include.md"),
  DCRLogErrors: readDocumentedTable("dcrlogerrors-include.md"),
};

/** The names of every table in {@link TABLE_SCHEMAS}. */
export const TABLE_NAMES = Object.keys(TABLE_SCHEMAS) as readonly TableName[];
