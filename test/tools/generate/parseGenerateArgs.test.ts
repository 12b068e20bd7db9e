import { describe, expect, it } from "vitest";

import { UsageError } from "../../../lib/core/errors.js";
import { DEFAULT_GENERATE_OPTIONS } from "../../../tools/generate/GenerateOptions.js";
import { parseGenerateArgs } from "../../../tools/generate/parseGenerateArgs.js";

describe("parseGenerateArgs", () => {
  it("takes the defaults of the bundled sample when only --out is given", () => {
    expect(parseGenerateArgs(["--out", "data/sample"])).toEqual({
      help: false,
      out: "data/sample",
      options: DEFAULT_GENERATE_OPTIONS,
    });
    expect(DEFAULT_GENERATE_OPTIONS).toEqual({
      seed: 1,
      lines: 20_000,
      start: Date.UTC(2026, 10, 20),
      days: 2,
    });
  });

  it("reads every option", () => {
    const command = parseGenerateArgs([
      "--out=x",
      "--seed",
      "7",
      "--lines",
      "10000000",
      "--start",
      "2026-12-01T06:30:00Z",
      "--days",
      "3",
    ]);
    expect(command).toEqual({
      help: false,
      out: "x",
      options: { seed: 7, lines: 10_000_000, start: Date.UTC(2026, 11, 1, 6, 30), days: 3 },
    });
  });

  it("reads the traffic profile's options, and leaves them out when not given", () => {
    const command = parseGenerateArgs([
      "--out=x",
      "--script-stems",
      "100000",
      "--script-share",
      "0.45",
      "--legacy-alerts",
      "400",
      "--entity-ids-from",
      "1",
      "--page-depth",
      "6",
      "--non-latin-share",
      "0.5",
      "--ipv6-share",
      "0.75",
    ]);
    expect(command).toEqual({
      help: false,
      out: "x",
      options: {
        ...DEFAULT_GENERATE_OPTIONS,
        scriptStemsPerMillion: 100_000,
        scriptShare: 0.45,
        legacyAlerts: 400,
        entityIdsFrom: 1,
        pageDepth: 6,
        nonLatinShare: 0.5,
        ipv6Share: 0.75,
      },
    });
    expect(Object.keys(parseGenerateArgs(["--out=x"]))).not.toContain("scriptShare");
  });

  it("answers --help without needing --out", () => {
    expect(parseGenerateArgs(["--help"])).toEqual({ help: true });
  });

  it.each([
    [["--seed", "1"], /--out <dir> is required/],
    [["--out", "x", "--bogus"], /Unknown option '--bogus'/],
    [["--out", "x", "extra"], /positional/i],
    [["--out", "x", "--seed=-1"], /--seed expects an integer/],
    [["--out", "x", "--seed", "1.5"], /--seed expects an integer/],
    [["--out", "x", "--lines", "10"], /--lines expects an integer in 500\.\./],
    [["--out", "x", "--days", "8"], /--days expects an integer in 1\.\.7/],
    [["--out", "x", "--start", "yesterday"], /--start expects an ISO 8601/],
    [["--out", "x", "--start", "2026-11-20T00:00:30Z"], /whole minute/],
    [["--out", "x", "--script-stems", "0"], /--script-stems expects an integer in 1\.\./],
    [["--out", "x", "--script-share", "1.5"], /--script-share expects a fraction in 0\.05\.\.0\.95/],
    [["--out", "x", "--legacy-alerts", "lots"], /--legacy-alerts expects an integer/],
    [["--out", "x", "--entity-ids-from", "0"], /--entity-ids-from expects 1 or 2/],
    [["--out", "x", "--ipv6-share", "1"], /--ipv6-share expects a fraction in 0\.05\.\.0\.95/],
    [["--out", "x", "--non-latin-share", "0.5"], /--non-latin-share needs --script-stems/],
    [["--out", "x", "--page-depth", "3"], /--page-depth needs --script-stems/],
  ])("rejects %j", (args, message) => {
    expect(() => parseGenerateArgs(args)).toThrow(UsageError);
    expect(() => parseGenerateArgs(args)).toThrow(message);
  });

  it("lists every problem at once", () => {
    expect(() => parseGenerateArgs(["--days", "0", "--lines", "x"])).toThrow(
      /--out <dir> is required; --lines expects .*; --days expects/,
    );
  });
});
