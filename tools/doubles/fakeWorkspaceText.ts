/**
 * Reading the KQL text of the app's queries for the fake workspace (`createFakeWorkspace`): a line cursor that
 * fails loudly, the literal forms `lib/kql/kqlLiterals.ts` writes, and the pattern fragments the per-query
 * readers are built from.
 */

/** The query is not one the fake understands, or asks for something the data set cannot answer. */
export class FakeWorkspaceError extends Error {
  override readonly name = "FakeWorkspaceError";
}

/** A double-quoted string literal as `kqlString` writes it (`\"` and `\\` escapes). */
export const STRING = String.raw`"(?:[^"\\]|\\.)*"`;
/** A parenthesised list of string literals as `kqlStringList` writes it. */
export const STRING_LIST = String.raw`\((?:${STRING}(?:, ${STRING})*)?\)`;
/** A verbatim string literal (`@"..."`, `""` for a quote), as the builders write regular expressions. */
export const VERBATIM = String.raw`@"(?:[^"]|"")*"`;
/** A `datetime(...)` literal as `kqlDatetime` writes it. */
export const DATETIME = String.raw`datetime\([^()]*\)`;

/** A pattern that must match one whole line. */
export function line(source: string): RegExp {
  return new RegExp(`^${source}$`);
}

/**
 * The lines of a query, read in order. Every reader names what it expected, so a query that drifts from the
 * builders' shape fails with the line that differs instead of being answered with nothing.
 */
export class QueryLines {
  private readonly lines: readonly string[];
  private index = 0;

  constructor(query: string) {
    this.lines = query.split(/\r?\n/);
  }

  /** The next line, unread. */
  peek(): string | undefined {
    return this.lines[this.index];
  }

  /** Reads the next line if it matches, else leaves it. */
  optional(pattern: RegExp): RegExpExecArray | undefined {
    const match = pattern.exec(this.lines[this.index] ?? "");
    if (match === null || this.index >= this.lines.length) return undefined;
    this.index += 1;
    return match;
  }

  /** Reads the next line, which must match. */
  next(pattern: RegExp, what: string): RegExpExecArray {
    const match = this.optional(pattern);
    if (match === undefined) {
      const found = this.peek();
      throw new FakeWorkspaceError(
        `expected ${what} at line ${this.index + 1} of the query, got ${found === undefined ? "the end" : JSON.stringify(found)}`,
      );
    }
    return match;
  }

  /** The query must end here. */
  end(): void {
    if (this.index < this.lines.length) {
      throw new FakeWorkspaceError(
        `expected the query to end at line ${this.index + 1}, got ${JSON.stringify(this.lines[this.index])}`,
      );
    }
  }
}

/** A capture group of a match that the pattern guarantees. */
export function group(match: RegExpExecArray, index: number): string {
  const value = match[index];
  if (value === undefined) throw new FakeWorkspaceError(`expected capture group ${index} in ${match[0]}`);
  return value;
}

/** The value of a double-quoted string literal. */
export function parseString(literal: string): string {
  if (!line(STRING).test(literal)) throw new FakeWorkspaceError(`expected a string literal, got ${literal}`);
  return literal.slice(1, -1).replace(/\\(.)/g, (_, escaped: string) => {
    const unescaped = ({ '"': '"', "'": "'", "\\": "\\", n: "\n", t: "\t" } as Record<string, string>)[
      escaped
    ];
    if (unescaped === undefined)
      throw new FakeWorkspaceError(`unsupported escape \\${escaped} in ${literal}`);
    return unescaped;
  });
}

/** The values of a parenthesised string list. */
export function parseStringList(literal: string): string[] {
  if (!line(STRING_LIST).test(literal))
    throw new FakeWorkspaceError(`expected a string list, got ${literal}`);
  return [...literal.matchAll(new RegExp(STRING, "g"))].map((m) => parseString(m[0]));
}

/** The value of a verbatim string literal. */
export function parseVerbatim(literal: string): string {
  if (!line(VERBATIM).test(literal)) throw new FakeWorkspaceError(`expected @"...", got ${literal}`);
  return literal.slice(2, -1).replace(/""/g, '"');
}

/** Epoch ms of a `datetime(...)` literal; only the UTC ISO form the builders write is accepted. */
export function parseDatetime(literal: string): number {
  const inner = /^datetime\((.*)\)$/.exec(literal)?.[1];
  const ms = inner === undefined ? undefined : parseIsoUtc(inner);
  if (ms === undefined) throw new FakeWorkspaceError(`expected datetime(<ISO 8601 UTC>), got ${literal}`);
  return ms;
}

/** Epoch ms of `YYYY-MM-DDTHH:MM:SS[.fffffff]Z`, or undefined (also for impossible dates such as Feb 30). */
export function parseIsoUtc(text: string): number | undefined {
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,7})?Z$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 19) !== text.slice(0, 19) ? undefined : ms;
}

/**
 * The request's `timespan` (`<start>/<end>`, as `LogsQueryClient` sends `{ startTime, endTime }`), which the
 * service applies to `TimeGenerated` of every table the query reads. Absent means unbounded.
 */
export function parseTimespan(timespan: string | undefined): { start: number; end: number } | undefined {
  if (timespan === undefined) return undefined;
  const parts = timespan.split("/");
  const [start, end] = parts.map(parseIsoUtc);
  if (parts.length !== 2 || start === undefined || end === undefined) {
    throw new FakeWorkspaceError(
      `expected a timespan "<ISO start>/<ISO end>" (the app always sends both), got ${JSON.stringify(timespan)}`,
    );
  }
  return { start, end };
}
