import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { hasAny } from "../../../../lib/core/kusto/hasAny.js";

const SCRIPT = [".php", ".jsp", ".js", ".aspx", ".asmx", ".asax", ".cfm", ".shtml"];

describe("hasAny (Kusto has_any term matching, DESIGN B8)", () => {
  it.each([
    ["/x.php", true],
    ["/x.PHP", true],
    ["/x.php.bak", true],
    ["/a.php/b", true],
    ["/x.phpx", false],
    ["/php/x.html", false],
    ["/x.json", false],
    ["/scripts/app.js", true],
    ["/x.js-map", true],
    ["/x.aspx", true],
    ["/X.AsPx", true],
    ["/x.asp", false],
    ["/x.aspx1", false],
    ["/x.shtml", true],
    ["/x.html", false],
    ["", false],
    ["/x.asmx/GetData", true],
    ["/x.cfm?x=1", true],
  ])("%s → %s", (stem, expected) => {
    expect(hasAny(stem, SCRIPT)).toBe(expected);
  });

  it("checks the left boundary only for terms that start with a letter or digit", () => {
    expect(hasAny("/shell.aspx", ["aspx"])).toBe(true); // "." before "aspx" is not a letter or digit
    expect(hasAny("/shellaspx", ["aspx"])).toBe(false);
    expect(hasAny("/shell.aspx", ["shell"])).toBe(true);
    expect(hasAny("/myshell.aspx", ["shell"])).toBe(false);
  });

  it("finds a later occurrence when the first one is inside a longer term", () => {
    expect(hasAny("/a.phpx/b.php", [".php"])).toBe(true);
  });

  it("matches no empty term", () => {
    expect(hasAny("/x.php", [""])).toBe(false);
  });

  it("is case-insensitive for any casing of text and terms", () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom(...SCRIPT), (text, term) => {
        expect(hasAny(text.toUpperCase(), [term])).toBe(hasAny(text.toLowerCase(), [term.toUpperCase()]));
      }),
    );
  });

  it("always matches a term surrounded by separators", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9]*$/), fc.constantFrom(...SCRIPT), (name, term) => {
        expect(hasAny(`/${name}${term}`, [term])).toBe(true);
        expect(hasAny(`/${name}${term}x`, [term])).toBe(false);
      }),
    );
  });
});
