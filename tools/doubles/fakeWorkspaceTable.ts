import type { LogAnalyticsAnswer } from "./encodeLogAnalyticsTable.js";
import { FakeWorkspaceError, parseIsoUtc } from "./fakeWorkspaceText.js";
import { TABLE_SCHEMAS, type TableName } from "./schemas.js";

/**
 * The fake workspace's tabular values: a column list with Kusto types and rows keyed by column name. Cells hold
 * Kusto values: `string` columns a string (never null, as in Kusto), `datetime` epoch ms or null, numbers or
 * null, `dynamic` any JSON value.
 */
export interface FakeTable {
  readonly columns: ReadonlyMap<string, string>;
  readonly rows: readonly FakeRow[];
}

export type FakeRow = Readonly<Record<string, unknown>>;

/** A table of the workspace, as the query reads it: the request's timespan already applied. */
export type ReadTable = (name: TableName) => FakeTable;

/** Where `ingestion_time()` of a SecurityAlert row is kept: not a column, so no `project` can name it. */
export const INGESTION_TIME = "$IngestionTime";

/**
 * Turns a data set's rows into a table of `name` with the documented schema's columns (absent strings `""`,
 * absent others null) and keeps the rows whose `TimeGenerated` is in the timespan (start inclusive, end
 * exclusive), as the service does for every table a query reads. A key that is not a column of the table is a
 * mistake in the data set and throws. SecurityAlert and DeviceProcessEvents rows may carry `_ingestionTime` (default
 * `TimeGenerated`).
 */
export function toFakeTable(
  name: TableName,
  data: readonly object[],
  timespan: { start: number; end: number } | undefined,
): FakeTable {
  const columns = new Map(TABLE_SCHEMAS[name].map((column) => [column.name, column.type as string]));
  const rows = data.map((source, index) => {
    const where = `${name} row ${index}`;
    const given = new Map<string, unknown>(Object.entries(source as Record<string, unknown>));
    const row: Record<string, unknown> = {};
    for (const [column, type] of columns) {
      row[column] = toKustoValue(given.get(column), type, `${where}.${column}`);
    }
    if (name === "SecurityAlert" || name === "DeviceProcessEvents") {
      const ingested = given.get("_ingestionTime");
      row[INGESTION_TIME] =
        ingested === undefined
          ? row.TimeGenerated
          : toKustoValue(ingested, "datetime", `${where}._ingestionTime`);
      given.delete("_ingestionTime");
    }
    const unknown = [...given.keys()].filter((key) => !columns.has(key));
    if (unknown.length > 0)
      throw new FakeWorkspaceError(`${where}: ${unknown.join(", ")} is not a ${name} column`);
    return row;
  });
  const inSpan = (row: FakeRow): boolean => {
    const time = row.TimeGenerated;
    return (
      timespan === undefined || (typeof time === "number" && time >= timespan.start && time < timespan.end)
    );
  };
  return { columns, rows: rows.filter(inSpan) };
}

function toKustoValue(value: unknown, type: string, where: string): unknown {
  if (type === "string") {
    if (value === undefined) return "";
    if (typeof value === "string") return value;
  } else if (value === undefined || value === null) {
    return null;
  } else if (type === "datetime") {
    const ms = typeof value === "string" ? parseIsoUtc(value) : undefined;
    if (ms !== undefined) return ms;
  } else if (type === "int" || type === "long" || type === "real") {
    if (typeof value === "number") return value;
  } else if (type === "bool") {
    if (typeof value === "boolean") return value;
  } else {
    return value;
  }
  throw new FakeWorkspaceError(`${where}: expected a ${type} value, got ${JSON.stringify(value)}`);
}

/** `| where`: the rows the predicate keeps. */
export function where(table: FakeTable, keep: (row: FakeRow) => boolean): FakeTable {
  return { columns: table.columns, rows: table.rows.filter(keep) };
}

/** `| extend name = value`: adds the column, or replaces it as Kusto does when the name exists. */
export function extend(
  table: FakeTable,
  name: string,
  type: string,
  value: (row: FakeRow) => unknown,
): FakeTable {
  return {
    columns: new Map([...table.columns, [name, type]]),
    rows: table.rows.map((row) => ({ ...row, [name]: value(row) })),
  };
}

/**
 * `| join kind=inner (right) on key`: one row per matching pair (duplicates included), the right side's columns
 * added, a name already on the left suffixed with `1` as Kusto does (`HostKey1`).
 */
export function joinInner(left: FakeTable, right: FakeTable, key: string): FakeTable {
  const added = [...right.columns].map(([name, type]) => ({
    name,
    type,
    as: left.columns.has(name) ? `${name}1` : name,
  }));
  const columns = new Map(left.columns);
  for (const column of added) columns.set(column.as, column.type);
  const rows = left.rows.flatMap((l) =>
    right.rows
      .filter((r) => cell(r, key) === cell(l, key))
      .map((r) => {
        const row: Record<string, unknown> = { ...l };
        for (const column of added) row[column.as] = r[column.name];
        return row;
      }),
  );
  return { columns, rows };
}

/** `| project a, b`: those columns in that order; a name the table lacks throws, as the service would. */
export function project(table: FakeTable, names: readonly string[]): FakeTable {
  const columns = new Map(names.map((name) => [name, columnType(table, name)]));
  return {
    columns,
    rows: table.rows.map((row) => Object.fromEntries(names.map((name) => [name, row[name]]))),
  };
}

/** `| distinct a, b`: those columns, one row per distinct combination, in order of first appearance. */
export function distinct(table: FakeTable, names: readonly string[]): FakeTable {
  const projected = project(table, names);
  const seen = new Set<string>();
  const rows = projected.rows.filter((row) => {
    const key = JSON.stringify(names.map((name) => row[name]));
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { columns: projected.columns, rows };
}

/** The type of a column, or a throw naming it when the table has none of that name. */
export function columnType(table: FakeTable, name: string): string {
  const type = table.columns.get(name);
  if (type === undefined) {
    throw new FakeWorkspaceError(
      `Failed to resolve column '${name}' (have ${[...table.columns.keys()].join(", ")})`,
    );
  }
  return type;
}

/** A cell that the table's schema guarantees; a missing column is a mistake in the fake. */
export function cell(row: FakeRow, name: string): unknown {
  if (!(name in row)) throw new FakeWorkspaceError(`Failed to resolve column '${name}'`);
  return row[name];
}

/** A `string` cell. */
export function text(row: FakeRow, name: string): string {
  const value = cell(row, name);
  if (typeof value !== "string") throw new FakeWorkspaceError(`expected ${name} to be a string`);
  return value;
}

/** A `datetime` or number cell, null when empty. */
export function numeric(row: FakeRow, name: string): number | null {
  const value = cell(row, name);
  if (value !== null && typeof value !== "number")
    throw new FakeWorkspaceError(`expected ${name} to be numeric`);
  return value;
}

/** The table as the query API sends it: `datetime` cells as ISO strings, `dynamic` cells as JSON text. */
export function toAnswer(table: FakeTable): LogAnalyticsAnswer {
  const columns = [...table.columns].map(([name, type]) => ({ name, type }));
  const rows = table.rows.map((row) =>
    columns.map(({ name, type }) => {
      const value = row[name];
      if (value === null || value === undefined) return null;
      if (type === "datetime") return new Date(value as number).toISOString();
      if (type === "dynamic") return JSON.stringify(value);
      return value;
    }),
  );
  return { columns, rows };
}
