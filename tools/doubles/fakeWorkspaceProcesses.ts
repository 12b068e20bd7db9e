import { readProject, readTimeBounds, type RowFilter } from "./fakeWorkspaceClauses.js";
import { inIgnoreCase } from "./fakeWorkspaceScalars.js";
import {
  cell,
  columnType,
  extend,
  type FakeRow,
  type FakeTable,
  project,
  type ReadTable,
  text,
  where,
} from "./fakeWorkspaceTable.js";
import {
  FakeWorkspaceError,
  group,
  line,
  parseString,
  parseStringList,
  type QueryLines,
  STRING,
  STRING_LIST,
} from "./fakeWorkspaceText.js";

// buildDeviceProcessQuery, line 3: `| where ActionType == "ProcessCreated";`.
const ACTION = line(String.raw`\| where ActionType == (${STRING});`);
// The direct rule, after `| where ` or `| extend Direct = `:
// `InitiatingProcessFileName in~ (…) or InitiatingProcessParentFileName in~ (…)`.
const DIRECT = String.raw`(\w+) in~ (${STRING_LIST}) or (\w+) in~ (${STRING_LIST})`;
// `| extend <name> = strcat(<column or literal>, …)`.
const STRCAT = line(String.raw`\| extend (\w+) = strcat\(((?:\w+|${STRING})(?:, (?:\w+|${STRING}))*)\)`);
// One generation: `let linkedN = tree`, its condition, `| distinct Key;`.
const GENERATION = line(String.raw`let (\w+) = tree`);
const LINK = line(String.raw`\| where (Direct|ParentKey in \((\w+)\))`);

/** Whether the first line starts `buildDeviceProcessQuery`. */
export function isDeviceProcessQuery(first: string): boolean {
  return first === "let processes = DeviceProcessEvents";
}

/**
 * Answers `buildDeviceProcessQuery`: the process creations of the window on the devices where the worker started
 * something; on them, each row's `Key` and `ParentKey` (`strcat` as Kusto writes its arguments), the direct rule,
 * one key set per generation, and the rows that are direct or whose parent's key is in one of the sets.
 */
export function answerDeviceProcessQuery(lines: QueryLines, read: ReadTable): FakeTable {
  lines.next(line("let processes = DeviceProcessEvents"), "let processes = DeviceProcessEvents");
  let processes = where(read("DeviceProcessEvents"), readTimeBounds(lines, "the process window"));
  const action = parseString(group(lines.next(ACTION, '| where ActionType == "…";'), 1));
  processes = where(processes, (row) => text(row, "ActionType") === action);

  lines.next(line("let webShellDevices = processes"), "let webShellDevices = processes");
  const direct = readDirect(group(lines.next(line(String.raw`\| where ${DIRECT}`), "| where <direct>"), 0));
  lines.next(line(String.raw`\| distinct DeviceId;`), "| distinct DeviceId;");
  const devices = new Set(where(processes, direct).rows.map((row) => text(row, "DeviceId")));

  lines.next(line("let tree = processes"), "let tree = processes");
  lines.next(
    line(String.raw`\| where DeviceId in \(webShellDevices\)`),
    "| where DeviceId in (webShellDevices)",
  );
  let tree = where(processes, (row) => devices.has(text(row, "DeviceId")));
  for (const name of ["Key", "ParentKey"]) tree = readStrcat(lines, tree, name);
  const extended = lines.next(line(String.raw`\| extend Direct = ${DIRECT};`), "| extend Direct = <direct>;");
  const isDirect = readDirect(group(extended, 0));
  tree = extend(tree, "Direct", "bool", isDirect);

  const sets = new Map<string, Set<string>>();
  for (let generation = lines.optional(GENERATION); generation !== undefined;) {
    const keep = readLink(group(lines.next(LINK, "| where Direct or ParentKey in (…)"), 0), sets);
    lines.next(line(String.raw`\| distinct Key;`), "| distinct Key;");
    sets.set(group(generation, 1), new Set(where(tree, keep).rows.map((row) => text(row, "Key"))));
    generation = lines.optional(GENERATION);
  }
  lines.next(line("tree"), "tree");
  const final = lines.next(
    line(String.raw`\| where (\w+(?: in \(\w+\))?(?: or \w+(?: in \(\w+\))?)*)`),
    "the rows kept",
  );
  const terms = group(final, 1)
    .split(" or ")
    .map((term) => readLink(`| where ${term}`, sets));
  const rows = where(tree, (row) => terms.some((term) => term(row)));
  const columns = readProject(lines, "| project <process columns>");
  lines.end();
  return project(rows, columns);
}

/** The direct rule: either column's value is one of its list, ignoring case. */
function readDirect(clause: string): RowFilter {
  const match = new RegExp(DIRECT).exec(clause);
  if (match === null) throw new FakeWorkspaceError(`expected the direct rule, got ${clause}`);
  const [first, firstList, second, secondList] = [1, 2, 3, 4].map((i) => group(match, i));
  return (row) =>
    inIgnoreCase(text(row, first!), parseStringList(firstList!)) ||
    inIgnoreCase(text(row, second!), parseStringList(secondList!));
}

/** `| where Direct` or `| where ParentKey in (<set>)`, the set one the query made before. */
function readLink(clause: string, sets: ReadonlyMap<string, Set<string>>): RowFilter {
  const match = LINK.exec(clause);
  if (match === null) throw new FakeWorkspaceError(`expected Direct or ParentKey in (…), got ${clause}`);
  if (match[2] === undefined) return (row) => cell(row, "Direct") === true;
  const set = sets.get(match[2]);
  if (set === undefined)
    throw new FakeWorkspaceError(`Failed to resolve table or column expression '${match[2]}'`);
  return (row) => set.has(text(row, "ParentKey"));
}

/** `| extend <name> = strcat(…)`: each argument a column (as Kusto turns it into text) or a string literal. */
function readStrcat(lines: QueryLines, table: FakeTable, name: string): FakeTable {
  const match = lines.next(STRCAT, `| extend ${name} = strcat(…)`);
  if (group(match, 1) !== name) throw new FakeWorkspaceError(`expected ${name}, got ${group(match, 1)}`);
  const args = [...group(match, 2).matchAll(new RegExp(String.raw`\w+|${STRING}`, "g"))].map((m) => m[0]);
  const parts = args.map((arg): ((row: FakeRow) => string) => {
    if (arg.startsWith('"')) {
      const value = parseString(arg);
      return () => value;
    }
    const type = columnType(table, arg);
    return (row) => kustoText(cell(row, arg), type);
  });
  return extend(table, name, "string", (row) => parts.map((part) => part(row)).join(""));
}

/** A value as Kusto's `tostring` writes it: datetimes in ISO 8601 with seven fraction digits, empty for null. */
function kustoText(value: unknown, type: string): string {
  if (value === null || value === undefined) return "";
  if (type === "datetime") return new Date(value as number).toISOString().replace(/Z$/, "0000Z");
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
    return String(value);
  throw new FakeWorkspaceError(`the fake does not strcat a ${type} value`);
}
