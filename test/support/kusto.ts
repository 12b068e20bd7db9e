import { createRequire } from "node:module";

import type { ColumnSchema, TableName, TelemetryTableName } from "../../tools/doubles/schemas.js";
import { TABLE_NAMES, TABLE_SCHEMAS, TELEMETRY_TABLE_SCHEMAS } from "../../tools/doubles/schemas.js";

/** A table the validator can declare: the Sentinel workspace's, or the app's telemetry workspace's. */
type KnownTable = TableName | TelemetryTableName;
const SCHEMAS: Readonly<Record<KnownTable, readonly ColumnSchema[]>> = {
  ...TABLE_SCHEMAS,
  ...TELEMETRY_TABLE_SCHEMAS,
};

/** One error the Kusto language service found in a query; `line` and `column` are 1-based. */
export interface KqlDiagnostic {
  readonly code: string;
  readonly message: string;
  readonly start: number;
  readonly length: number;
  readonly line: number;
  readonly column: number;
}

/** Which tables a query may read; the Sentinel workspace's ({@link TABLE_SCHEMAS}) unless named. */
export interface ValidateKqlOptions {
  readonly tables?: readonly KnownTable[];
}

// The package is a Bridge.NET build of Kusto.Language: loading it defines the global `Kusto` namespace and
// ships no module exports. These interfaces declare the few members used here (see its .d.ts).
interface BridgeList<T> {
  readonly Count: number;
  getItem(index: number): T;
}
interface KustoDiagnosticObject {
  readonly Severity: string | null;
  readonly Code: string | null;
  readonly Message: string | null;
  readonly Start: number;
  readonly Length: number;
}
interface KustoCodeObject {
  readonly ResultType: {
    readonly Columns?: BridgeList<{ readonly Name: string; readonly Type: { readonly Name: string } }>;
  } | null;
  GetDiagnostics(): BridgeList<KustoDiagnosticObject>;
}
interface GlobalStateObject {
  WithDatabase(database: unknown): GlobalStateObject;
}
interface KustoLanguage {
  readonly GlobalState: { readonly Default: GlobalStateObject };
  readonly KustoCode: { ParseAndAnalyze(text: string, globals: GlobalStateObject): KustoCodeObject };
  readonly Symbols: {
    readonly ScalarTypes: { GetSymbol(name: string): unknown };
    readonly ColumnSymbol: new (
      name: string,
      type: unknown,
      description: string,
      ...unused: null[]
    ) => unknown;
    readonly TableSymbol: { readonly $ctor4: new (name: string, columns: unknown[]) => unknown };
    readonly DatabaseSymbol: { readonly ctor: new (name: string, members: unknown[]) => unknown };
  };
}

let language: KustoLanguage | undefined;
const globalsByTables = new Map<string, GlobalStateObject>();

/** Loads the language service once per process (~1 s); later calls reuse it. */
function loadLanguage(): KustoLanguage {
  if (language !== undefined) return language;
  const require = createRequire(import.meta.url);
  // The minified build loads about twice as fast and exposes the same API.
  require("@kusto/language-service-next/bridge.min.js");
  require("@kusto/language-service-next/Kusto.Language.Bridge.min.js");
  const loaded = (globalThis as { Kusto?: { Language?: KustoLanguage } }).Kusto?.Language;
  if (loaded === undefined) {
    throw new Error("expected @kusto/language-service-next to define the global Kusto.Language, it did not");
  }
  language = loaded;
  return loaded;
}

function toTableSymbol(kusto: KustoLanguage, name: KnownTable, columns: readonly ColumnSchema[]): unknown {
  const symbols = columns.map((column) => {
    const type = kusto.Symbols.ScalarTypes.GetSymbol(column.type);
    if (type === null) throw new Error(`${name}.${column.name}: unknown KQL type '${column.type}'`);
    return new kusto.Symbols.ColumnSymbol(column.name, type, column.description, null, null, null);
  });
  return new kusto.Symbols.TableSymbol.$ctor4(name, symbols);
}

function globalsFor(tables: readonly KnownTable[]): GlobalStateObject {
  const key = [...tables].sort().join(",");
  const cached = globalsByTables.get(key);
  if (cached !== undefined) return cached;
  const kusto = loadLanguage();
  const members = tables.map((table) => toTableSymbol(kusto, table, SCHEMAS[table]));
  const globals = kusto.GlobalState.Default.WithDatabase(
    new kusto.Symbols.DatabaseSymbol.ctor("workspace", members),
  );
  globalsByTables.set(key, globals);
  return globals;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

/**
 * Parses and semantically checks a KQL query offline, against the declared table schemas, and returns its
 * errors (warnings and suggestions are left out). An unknown table or column, a type error and a syntax error
 * are each reported with their position.
 *
 * @example validateKql("WebShellEnrichment_CL | where HostName =~ 'web01'") // []
 */
export function validateKql(query: string, options: ValidateKqlOptions = {}): KqlDiagnostic[] {
  const kusto = loadLanguage();
  const code = kusto.KustoCode.ParseAndAnalyze(query, globalsFor(options.tables ?? TABLE_NAMES));
  const found = code.GetDiagnostics();
  const errors: KqlDiagnostic[] = [];
  for (let index = 0; index < found.Count; index += 1) {
    const diagnostic = found.getItem(index);
    if (diagnostic.Severity !== "Error") continue;
    errors.push({
      code: diagnostic.Code ?? "",
      message: diagnostic.Message ?? "",
      start: diagnostic.Start,
      length: diagnostic.Length,
      ...lineAndColumn(query, diagnostic.Start),
    });
  }
  return errors;
}

/**
 * The columns (name and KQL type) a valid tabular query returns, e.g. to check that an analytics rule's entity
 * mappings name columns its query produces. Throws when the query has errors or returns no table.
 */
export function kqlResultColumns(
  query: string,
  options: ValidateKqlOptions = {},
): { readonly name: string; readonly type: string }[] {
  expectValidKql(query, options);
  const columns = loadLanguage().KustoCode.ParseAndAnalyze(query, globalsFor(options.tables ?? TABLE_NAMES))
    .ResultType?.Columns;
  if (columns === undefined) throw new Error(`expected a query that returns a table:\n${query}`);
  const result: { name: string; type: string }[] = [];
  for (let index = 0; index < columns.Count; index += 1) {
    const column = columns.getItem(index);
    result.push({ name: column.Name, type: column.Type.Name });
  }
  return result;
}

/** Formats a diagnostic as `line:column code message «text»`, the text being what it points at. */
export function formatKqlDiagnostic(query: string, diagnostic: KqlDiagnostic): string {
  const text = query.slice(diagnostic.start, diagnostic.start + diagnostic.length);
  return `${diagnostic.line}:${diagnostic.column} ${diagnostic.code} ${diagnostic.message} «${text}»`;
}

/**
 * Throws (failing the calling test) with every error of the query, one line each, when the query does not
 * parse or does not fit the declared schemas.
 */
export function expectValidKql(query: string, options: ValidateKqlOptions = {}): void {
  const errors = validateKql(query, options).map((diagnostic) => formatKqlDiagnostic(query, diagnostic));
  if (errors.length === 0) return;
  throw new Error(
    `expected valid KQL, found ${errors.length} error(s):\n  ${errors.join("\n  ")}\nin:\n${query}`,
  );
}
