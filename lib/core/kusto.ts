// Kusto semantics the original hunting query relies on, reproduced exactly so that compat mode returns what the
// query returns (docs/design.md §2, B8) and precise mode shares its page rule. Each function names the Kusto
// operator or function it stands for.

/**
 * Kusto `bin(value, size)` for datetimes in epoch milliseconds: rounds down to a multiple of `size` counted from
 * the Unix epoch (so 30 s bins start at :00 and :30 of every minute), also for times before 1970.
 *
 * @example bin(Date.UTC(2024, 0, 1, 10, 0, 45), 30_000) // 10:00:30
 */
export function bin(value: number, size: number): number {
  if (!(size > 0)) throw new RangeError(`bin size must be a positive number of milliseconds, got ${size}`);
  return Math.floor(value / size) * size;
}

/**
 * Kusto `range(start, stop, step)`: every value from `start` up to and including `stop`, `step` apart. Empty when
 * `stop < start`, as in Kusto.
 *
 * @example range(0, 60_000, 30_000) // [0, 30000, 60000]
 */
export function range(start: number, stop: number, step: number): number[] {
  if (!(step > 0)) throw new RangeError(`range step must be positive, got ${step}`);
  const values: number[] = [];
  for (let value = start; value <= stop; value += step) values.push(value);
  return values;
}

/**
 * Kusto `=~`: case-insensitive string equality.
 *
 * @example equalsIgnoreCase("MDATP", "mdatp") // true
 */
export function equalsIgnoreCase(left: string, right: string): boolean {
  return left.length === right.length && left.toLowerCase() === right.toLowerCase();
}

/**
 * Kusto's `has_any` as the hunting query uses it on `csUriStem` (B8): term matching, not "ends with". A term
 * matches where it occurs case-insensitively and, if the term starts with an ASCII letter or digit, the text has
 * none just before the occurrence; if it ends with one, the text has none just after.
 *
 * @example hasAny("/x.php.bak", [".php"]) // true
 * @example hasAny("/x.json", [".js"]) // false: "o" follows ".js"
 */
export function hasAny(text: string, terms: readonly string[]): boolean {
  const haystack = text.toLowerCase();
  for (const term of terms) {
    if (hasTerm(haystack, term.toLowerCase())) return true;
  }
  return false;
}

/** `has` for one term already in lower case, over text already in lower case. */
export function hasTerm(haystack: string, term: string): boolean {
  if (term.length === 0) return false;
  const checkBefore = isAsciiAlnum(term.charCodeAt(0));
  const checkAfter = isAsciiAlnum(term.charCodeAt(term.length - 1));
  for (let at = haystack.indexOf(term); at !== -1; at = haystack.indexOf(term, at + 1)) {
    if (checkBefore && at > 0 && isAsciiAlnum(haystack.charCodeAt(at - 1))) continue;
    const end = at + term.length;
    if (checkAfter && end < haystack.length && isAsciiAlnum(haystack.charCodeAt(end))) continue;
    return true;
  }
  return false;
}

/** ASCII `0-9`, `A-Z`, `a-z`: the characters that continue a Kusto term. */
export function isAsciiAlnum(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/**
 * Kusto `make_set`: the distinct values of a group. Kusto leaves the order unspecified; we return them sorted so
 * that output is reproducible and comparable across runs.
 */
export function makeSet(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compareOrdinal);
}

/**
 * Kusto `make_bag(pack(key, value))` over a group: one property per key. When a key comes with several values
 * Kusto keeps "an arbitrary one"; we keep the ordinally smallest so the result does not depend on row order.
 *
 * @example makeBag([["10.0.0.5", "curl/8.0"], ["10.0.0.5", "Mozilla/5.0"]]) // { "10.0.0.5": "Mozilla/5.0" }
 */
export function makeBag(pairs: Iterable<readonly [string, string]>): Record<string, string> {
  const bag = new Map<string, string>();
  for (const [key, value] of pairs) {
    const kept = bag.get(key);
    if (kept === undefined || compareOrdinal(value, kept) < 0) bag.set(key, value);
  }
  // Object.fromEntries keeps insertion order; sort keys for reproducible output.
  return Object.fromEntries([...bag].sort(([a], [b]) => compareOrdinal(a, b)));
}

/** Ordinal (code unit) order, independent of locale. */
export function compareOrdinal(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * Kusto `tostring(split(text, separator)[index])`: negative indexes count from the end, and an index outside the
 * array gives `""` (Kusto's null, turned into a string by `tostring`).
 *
 * @example splitAt("/shells/cmd.aspx", "/", -1) // "cmd.aspx"
 * @example splitAt("/cmd.aspx", "/", -2) // ""
 * @example splitAt("cmd.aspx", "/", -2) // "" (out of range)
 */
export function splitAt(text: string, separator: string, index: number): string {
  const parts = text.split(separator);
  const at = index < 0 ? parts.length + index : index;
  return parts[at] ?? "";
}

/**
 * Kusto `tostring()` of a dynamic value: `""` for null/missing, strings as they are, numbers and booleans as
 * their text, arrays and property bags as compact JSON.
 *
 * @example toKustoString({ $ref: "4" }) // '{"$ref":"4"}'
 */
export function toKustoString(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
    return String(value);
  return JSON.stringify(value);
}

/** Kusto `value.property` on a dynamic value: the property of a bag, else null (`undefined`). */
export function getProperty(value: unknown, property: string): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  return (value as Record<string, unknown>)[property];
}
