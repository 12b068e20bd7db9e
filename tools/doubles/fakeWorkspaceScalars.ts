import { FakeWorkspaceError } from "./fakeWorkspaceText.js";

/**
 * Kusto's scalar functions and string operators as the app's queries use them, for the fake workspace. Written
 * from Kusto's documentation and docs/design.md §2, B8, apart from `lib/`, so that the fake is a second reading of what the
 * query text means rather than a copy of the engine.
 */

const TERM_CHAR = "[A-Za-z0-9]";

/**
 * `text has_any (terms)` (docs/design.md §2, B8): a case-insensitive occurrence of a term such that, when the term begins
 * with an ASCII letter or digit, none precedes it, and when it ends with one, none follows it.
 */
export function hasAny(text: string, terms: readonly string[]): boolean {
  return terms.some((term) => {
    if (term === "") return false;
    const before = /^[A-Za-z0-9]/.test(term) ? `(?<!${TERM_CHAR})` : "";
    const after = /[A-Za-z0-9]$/.test(term) ? `(?!${TERM_CHAR})` : "";
    return new RegExp(`${before}${escapeRegExp(term)}${after}`, "i").test(text);
  });
}

/** `value in~ (list)`: equal to one of the list, ignoring case. */
export function inIgnoreCase(value: string, list: readonly string[]): boolean {
  const folded = value.toLowerCase();
  return list.some((item) => item.toLowerCase() === folded);
}

/**
 * A Kusto (RE2) pattern as a JS `RegExp`. The builders' patterns use RE2 syntax that JS shares, plus a leading
 * `(?i)`, which becomes the `i` flag; any other inline flag group is refused rather than misread.
 */
export function kustoRegExp(pattern: string): RegExp {
  const caseless = pattern.startsWith("(?i)");
  const body = caseless ? pattern.slice(4) : pattern;
  if (/\(\?[a-zA-Z-]+[:)]/.test(body)) {
    throw new FakeWorkspaceError(`the fake reads only a leading (?i) flag, got the regex ${pattern}`);
  }
  return new RegExp(body, caseless ? "i" : "");
}

/** `trim(regex, text)`: removes every leading and trailing match of the pattern. */
export function trim(pattern: string, text: string): string {
  const { source, flags } = kustoRegExp(pattern);
  return text
    .replace(new RegExp(`^(?:${source})+`, flags), "")
    .replace(new RegExp(`(?:${source})+$`, flags), "");
}

/** `extract(regex, group, text)`: the group of the first match, `""` when nothing matches. */
export function extract(pattern: string, group: number, text: string): string {
  return kustoRegExp(pattern).exec(text)?.[group] ?? "";
}

/** `coalesce(a, b, …)` over strings: the first that is not empty (a string is never null in Kusto). */
export function coalesceStrings(...values: readonly string[]): string {
  return values.find((value) => value !== "") ?? "";
}

/** `tostring(split(text, separator)[0])`: the text up to the first separator (all of it when there is none). */
export function firstSplit(text: string, separator: string): string {
  return text.split(separator)[0] ?? "";
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}
