import { readHasAny, readProject, readTimeBounds, type RowFilter } from "./fakeWorkspaceClauses.js";
import { inIgnoreCase } from "./fakeWorkspaceScalars.js";
import { type FakeTable, project, type ReadTable, text, where } from "./fakeWorkspaceTable.js";
import { group, line, parseStringList, type QueryLines, STRING_LIST } from "./fakeWorkspaceText.js";

// buildAlertQuery, the provider line: `| where ProviderName in~ (…)` (compat), with
// ` or ProductName in~ (…)` after it (precise).
const PROVIDER = line(
  String.raw`\| where ProviderName in~ (${STRING_LIST})(?: or ProductName in~ (${STRING_LIST}))?`,
);

/** Whether the first line starts an alert query (buildAlertQuery: `SecurityAlert` or compat's `let`). */
export function isAlertQuery(first: string): boolean {
  return first === "SecurityAlert" || first === "let shellAlertIds = SecurityAlert";
}

/**
 * Answers `buildAlertQuery`. Precise: SecurityAlert in the window, provider or product, worker named in the
 * entities. Compat: the SystemAlertIds that pass the window, provider and worker filters, then every row of
 * those ids in the window (as the original's `join kind=inner (alerts)`).
 */
export function answerAlertQuery(lines: QueryLines, read: ReadTable): FakeTable {
  // Compat: `let shellAlertIds = SecurityAlert`, its filters, then `| distinct SystemAlertId;`.
  if (lines.optional(line("let shellAlertIds = SecurityAlert")) !== undefined) {
    const selected = readAlertFilters(lines, read("SecurityAlert"));
    lines.next(line(String.raw`\| distinct SystemAlertId;`), "| distinct SystemAlertId;");
    const ids = new Set(selected.rows.map((row) => text(row, "SystemAlertId")));
    lines.next(line("SecurityAlert"), "SecurityAlert");
    const inWindow = where(read("SecurityAlert"), readTimeBounds(lines, "the alert window"));
    lines.next(
      line(String.raw`\| where SystemAlertId in \(shellAlertIds\)`),
      "SystemAlertId in (shellAlertIds)",
    );
    const rows = where(inWindow, (row) => ids.has(text(row, "SystemAlertId")));
    return finish(lines, rows);
  }
  lines.next(line("SecurityAlert"), "SecurityAlert");
  return finish(lines, readAlertFilters(lines, read("SecurityAlert")));
}

// The three `where` lines shared by both shapes: window, provider (and product), `Entities has_any (workers)`.
function readAlertFilters(lines: QueryLines, alerts: FakeTable): FakeTable {
  const window = readTimeBounds(lines, "the alert window");
  const provider = readProviderFilter(lines);
  const workers = readHasAny(lines, "Entities");
  return where(alerts, (row) => window(row) && provider(row) && workers(row));
}

function readProviderFilter(lines: QueryLines): RowFilter {
  const match = lines.next(PROVIDER, "ProviderName in~ (…)");
  const providers = parseStringList(group(match, 1));
  const productList = match[2];
  const products = productList === undefined ? undefined : parseStringList(productList);
  return (row) =>
    inIgnoreCase(text(row, "ProviderName"), providers) ||
    (products !== undefined && inIgnoreCase(text(row, "ProductName"), products));
}

// The last line, `| project <ALERT_COLUMNS>`, and nothing after it.
function finish(lines: QueryLines, rows: FakeTable): FakeTable {
  const columns = readProject(lines, "| project <alert columns>");
  lines.end();
  return project(rows, columns);
}
