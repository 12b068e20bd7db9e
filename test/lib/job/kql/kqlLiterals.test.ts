import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { KqlLiteralError } from "../../../../lib/core/errors.js";
import { isKqlSafe, kqlDatetime, kqlString, kqlStringList } from "../../../../lib/job/kql/kqlLiterals.js";
import { kqlTokens } from "../../../../tools/doubles/kqlTokens.js";

// A value stays data when Kusto's own parser reads the literal as exactly one string token with that value.
function parsedAsOneLiteral(value: string): boolean {
  const tokens = kqlTokens(`print x = ${kqlString(value)} | project x`);
  return (
    tokens.length === 7 &&
    tokens[3]?.value === value &&
    tokens.map((token) => token.text).join(" ") === `print x = ${kqlString(value)} | project x`
  );
}

describe("kqlString", () => {
  it.each([
    ['a"b', '"a\\"b"'],
    ["C:\\Windows\\cmd.exe", '"C:\\\\Windows\\\\cmd.exe"'],
    ["it's", `"it's"`],
  ])("quotes %j as %s", (value, literal) => {
    expect(kqlString(value)).toBe(literal);
  });

  it.each([
    ['web01" or 1 == 1 //'],
    ['x" | take 1000000; SecurityAlert | where true //'],
    ['\\" ; drop'],
    ["/*"],
    ["web01\u0435"], // Cyrillic "е": a look-alike is just another character in the literal
    ["\u02bc"],
    ['@"x"'],
    ["```"],
    ['h"secret"'],
  ])("keeps %j one literal in Kusto's parser", (value) => {
    expect(parsedAsOneLiteral(value)).toBe(true);
  });

  it("keeps any printable string one literal (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 40 }).filter(isKqlSafe), (value) => {
        expect(parsedAsOneLiteral(value), JSON.stringify(value)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it.each(["a\nb", "a\rb", "a\u0000b", "tab\there", "a\u2028b", "\u202eevil", "a\u007fb"])(
    "refuses a value with control or bidi characters: %j",
    (value) => {
      expect(() => kqlString(value)).toThrow(KqlLiteralError);
      expect(isKqlSafe(value)).toBe(false);
    },
  );
});

describe("kqlStringList and kqlDatetime", () => {
  it("lists literals in parentheses", () => {
    expect(kqlStringList([".php", 'a"b'])).toBe('(".php", "a\\"b")');
  });

  it("writes UTC datetimes with milliseconds and refuses non-finite times", () => {
    expect(kqlDatetime(Date.UTC(2026, 10, 20, 10, 15, 30, 517))).toBe("datetime(2026-11-20T10:15:30.517Z)");
    expect(() => kqlDatetime(Number.POSITIVE_INFINITY)).toThrow(KqlLiteralError);
  });
});
