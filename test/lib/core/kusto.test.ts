import fc from "fast-check";
import { describe, expect, it } from "vitest";

import {
  bin,
  equalsIgnoreCase,
  getProperty,
  hasAny,
  makeBag,
  makeSet,
  range,
  splitAt,
  toKustoString,
} from "../../../lib/core/kusto.js";

const SCRIPT = [".php", ".jsp", ".js", ".aspx", ".asmx", ".asax", ".cfm", ".shtml"];

describe("hasAny (Kusto has_any term matching, docs/design.md §2, B8)", () => {
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

const t = (text: string) => Date.parse(text);

describe("bin", () => {
  it.each([
    ["2026-11-20T10:00:45Z", "2026-11-20T10:00:30.000Z"],
    ["2026-11-20T10:00:30Z", "2026-11-20T10:00:30.000Z"],
    ["2026-11-20T10:00:29.999Z", "2026-11-20T10:00:00.000Z"],
    ["1969-12-31T23:59:45Z", "1969-12-31T23:59:30.000Z"],
  ])("bin(%s, 30s) = %s (counted from the Unix epoch)", (time, expected) => {
    expect(new Date(bin(t(time), 30_000)).toISOString()).toBe(expected);
  });

  it("is idempotent, never later than its input and less than one size earlier", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e13, max: 1e13 }), fc.integer({ min: 1, max: 1e8 }), (value, size) => {
        const binned = bin(value, size);
        expect(bin(binned, size)).toBe(binned);
        expect(binned).toBeLessThanOrEqual(value);
        expect(value - binned).toBeLessThan(size);
      }),
    );
  });

  it("rejects a size that is not positive", () => {
    expect(() => bin(0, 0)).toThrow(/positive/);
  });
});

describe("range", () => {
  it("includes both ends", () => expect(range(0, 60_000, 30_000)).toEqual([0, 30_000, 60_000]));
  it("is empty when stop < start", () => expect(range(10, 0, 1)).toEqual([]));
  it("stops before a step past stop", () => expect(range(0, 50, 30)).toEqual([0, 30]));
  it("gives the query's three bins for any request time", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4e12 }), (time) => {
        const keys = range(bin(time - 60_000, 30_000), bin(time, 30_000), 30_000);
        expect(keys).toHaveLength(3);
        expect(keys[2]).toBe(bin(time, 30_000));
      }),
    );
  });
});

describe("splitAt", () => {
  it.each([
    ["/shells/cmd.aspx", -1, "cmd.aspx"],
    ["/shells/cmd.aspx", -2, "shells"],
    ["/cmd.aspx", -2, ""],
    ["cmd.aspx", -2, ""],
    ["cmd.aspx", -1, "cmd.aspx"],
    ["/a/", -1, ""],
    ["", -1, ""],
    ["/a/b", 1, "a"],
    ["/a/b", 5, ""],
  ])("split(%j, '/')[%i] = %j", (text, index, expected) => {
    expect(splitAt(text, "/", index)).toBe(expected);
  });
});

describe("make_set and make_bag", () => {
  it("make_set keeps each value once, in ordinal order", () => {
    expect(makeSet(["W3SVC2", "W3SVC1", "W3SVC2", ""])).toEqual(["", "W3SVC1", "W3SVC2"]);
  });

  it("make_bag keeps one value per key, the same whatever the row order", () => {
    const pairs: [string, string][] = [
      ["10.0.0.5", "curl/8.0"],
      ["10.0.0.5", "Mozilla/5.0"],
      ["10.0.0.6", "x"],
    ];
    expect(makeBag(pairs)).toEqual({ "10.0.0.5": "Mozilla/5.0", "10.0.0.6": "x" });
    expect(makeBag([...pairs].reverse())).toEqual(makeBag(pairs));
  });

  it("make_bag does not let a key named __proto__ change the prototype", () => {
    const bag = makeBag([["__proto__", "x"]]);
    expect(Object.getPrototypeOf(bag)).toBe(Object.prototype);
    expect(Object.keys(bag)).toEqual(["__proto__"]);
  });
});

describe("=~ and tostring", () => {
  it("=~ ignores case only", () => {
    expect(equalsIgnoreCase("MDATP", "mdatp")).toBe(true);
    expect(equalsIgnoreCase("MDATP", "MDATP ")).toBe(false);
  });

  it.each([
    [undefined, ""],
    [null, ""],
    ["x", "x"],
    [7548, "7548"],
    [true, "true"],
    [{ $ref: "4" }, '{"$ref":"4"}'],
  ])("tostring(%j) = %j", (value, expected) => {
    expect(toKustoString(value)).toBe(expected);
  });

  it("reads properties of bags only", () => {
    expect(getProperty({ Type: "file" }, "Type")).toBe("file");
    expect(getProperty(["file"], "0")).toBeUndefined();
    expect(getProperty("file", "length")).toBeUndefined();
  });
});
