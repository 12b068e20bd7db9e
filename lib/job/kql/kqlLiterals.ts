import { KqlLiteralError } from "../../core/errors.js";

// Literals for KQL text the app builds. Values are never spliced in raw: strings are quoted and escaped, and
// characters that a Kusto string literal cannot carry unambiguously (control characters, line and paragraph
// separators, bidirectional overrides) are refused, so no value can end the literal or change the query's meaning.

// Kusto documents \" \\ \n \t escapes inside double quotes; anything else control-like is refused outright.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/;

/** Whether `kqlString` can carry the value. */
export function isKqlSafe(value: string): boolean {
  return !FORBIDDEN.test(value);
}

/** A double-quoted KQL string literal. @example kqlString('a"b') // "a\"b" */
export function kqlString(value: string): string {
  const bad = FORBIDDEN.exec(value);
  if (bad !== null) {
    const code = bad[0].charCodeAt(0).toString(16).padStart(4, "0");
    throw new KqlLiteralError(
      `cannot put U+${code} into a KQL string literal (value ${JSON.stringify(value)})`,
    );
  }
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** A parenthesised list of string literals for `in`, `in~` and `has_any`. @example kqlStringList(["a", "b"]) */
export function kqlStringList(values: readonly string[]): string {
  return `(${values.map(kqlString).join(", ")})`;
}

/** A `datetime(...)` literal in ISO 8601 UTC with milliseconds. */
export function kqlDatetime(ms: number): string {
  if (!Number.isFinite(ms)) throw new KqlLiteralError(`not a finite time: ${ms}`);
  return `datetime(${new Date(ms).toISOString()})`;
}
