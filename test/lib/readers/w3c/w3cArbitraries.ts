import fc from "fast-check";

// Generators of W3C extended log text for the fast-vs-reference tests: random field subsets and orders, header
// blocks that change mid-file, good and bad lines, LF and CRLF, blank lines, a BOM, no final newline.

const KNOWN_FIELDS = [
  "date",
  "time",
  "s-sitename",
  "s-computername",
  "s-ip",
  "cs-method",
  "cs-uri-stem",
  "cs-uri-query",
  "s-port",
  "cs-username",
  "c-ip",
  "cs-version",
  "cs(User-Agent)",
  "cs(Cookie)",
  "cs(Referer)",
  "cs-host",
  "sc-status",
  "sc-substatus",
  "sc-win32-status",
  "sc-bytes",
  "cs-bytes",
  "time-taken",
  "X-Forwarded-For",
  "cs(x-forwarded-for)",
  "OriginalIP",
];

const token = fc.string({
  unit: fc.constantFrom(..."aZ09./+-%_:?=,#\tr".split(""), "é", "\u212a", "\r", "😀"),
  maxLength: 8,
});

const date = fc.oneof(
  {
    weight: 20,
    arbitrary: fc
      .date({ min: new Date(0), max: new Date(4102444800000), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10)),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "2023-02-29",
      "2024-02-29",
      "2023-13-01",
      "2023-04-31",
      "0099-01-01",
      "23-04-18",
      "-",
      "2023/04/18",
    ),
  },
  { weight: 1, arbitrary: token },
);

const time = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.tuple(fc.nat(23), fc.nat(59), fc.nat(59)).map(([h, m, s]) => [h, m, s].map(pad).join(":")),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "00:00",
      "23:59:59.9",
      "12:00:00.123",
      "12:00:00.1234567",
      "24:00:00",
      "12:60:00",
      "12:00:60",
      "1:00:00",
      "12:00:00.",
      "-",
    ),
  },
  { weight: 1, arbitrary: token },
);

const stem = fc.oneof(
  fc.constantFrom(
    "/",
    "/default.aspx",
    "/x.php.bak",
    "/x.json",
    "/app.js",
    "/shell.ASPX",
    "/é/x.php",
    "-",
    "/img/a.png",
  ),
  token.map((t) => `/${t}`),
);

const number = fc.oneof(
  fc.nat().map(String),
  fc.constantFrom("-", "0", "007", "12345678901234567890", "1e3", ""),
  token,
);

function valueFor(field: string): fc.Arbitrary<string> {
  switch (field.toLowerCase()) {
    case "date":
      return date;
    case "time":
      return time;
    case "cs-uri-stem":
      return stem;
    case "s-port":
    case "sc-bytes":
    case "cs-bytes":
    case "time-taken":
      return number;
    case "cs(user-agent)":
      return fc.oneof(fc.constantFrom("Mozilla/5.0+(Windows+NT+10.0)", "-", "+", "curl/8.0"), token);
    default:
      // Now and then a value longer than the parser's first carry buffer (1 KiB), so that it has to grow.
      return fc.oneof(
        { weight: 10, arbitrary: fc.oneof(fc.constant("-"), token) },
        { weight: 1, arbitrary: fc.constant("Z".repeat(1500)) },
      );
  }
}

const usually = fc.oneof(
  { weight: 9, arbitrary: fc.constant(true) },
  { weight: 1, arbitrary: fc.constant(false) },
);

/** A `#Fields` directive's names: a random subset in random order, usually with date and time, in random case. */
const fieldNames = fc
  .tuple(fc.shuffledSubarray(KNOWN_FIELDS, { minLength: 0 }), usually, fc.boolean())
  .chain(([names, withDate, upper]) => {
    const all = withDate ? ["date", "time", ...names.filter((n) => n !== "date" && n !== "time")] : names;
    return fc
      .shuffledSubarray(all, { minLength: all.length, maxLength: all.length })
      .map((shuffled) => (upper ? shuffled.map((n) => n.toUpperCase()) : shuffled));
  });

/** A good line for `names`, or a broken one (a field missing or extra). */
function dataLine(names: readonly string[]): fc.Arbitrary<string> {
  const good = fc.tuple(...names.map(valueFor)).map((values) => values.join(" "));
  return fc.oneof(
    { weight: 8, arbitrary: good },
    { weight: 1, arbitrary: good.map((line) => line.slice(0, Math.max(0, line.lastIndexOf(" ")))) },
    { weight: 1, arbitrary: good.map((line) => `${line} extra`) },
  );
}

const block = fieldNames.chain((names) =>
  fc
    .tuple(
      fc.constantFrom(
        ["#Software: Microsoft Internet Information Services 10.0", "#Version: 1.0"],
        [],
        ["#Date: 2023-04-18 00:00:00"],
      ),
      fc.array(
        fc.oneof({ weight: 9, arbitrary: dataLine(names) }, { weight: 1, arbitrary: fc.constant("") }),
        { maxLength: 8 },
      ),
      fc.boolean(),
    )
    .map(([directives, lines, bom]) => {
      // A block may begin with a byte order mark: the start of a file joined onto the one before (`cat`).
      const block = [...directives, `#Fields: ${names.join(" ")}`, ...lines];
      return bom ? [`\uFEFF${block[0]!}`, ...block.slice(1)] : block;
    }),
);

/** Lines of a W3C log, possibly with data lines before the first header. */
const lines = fc
  .tuple(
    fc.array(fc.constantFrom("2023-04-18 00:00:00 orphan", ""), { maxLength: 2 }),
    fc.array(block, { minLength: 1, maxLength: 4 }),
  )
  .map(([before, blocks]) => [...before, ...blocks.flat()]);

/** A whole W3C log as text: random line endings, maybe a BOM, maybe no final newline. */
export const w3cLogText = lines.chain((all) =>
  fc
    .tuple(
      fc.array(fc.constantFrom("\n", "\r\n"), { minLength: all.length, maxLength: all.length }),
      fc.boolean(),
      fc.boolean(),
    )
    .map(([endings, bom, finalNewline]) => {
      const text = all.map((line, i) => line + (endings[i] ?? "\n")).join("");
      const body = finalNewline ? text : text.replace(/\r?\n$/, "");
      return (bom ? "\uFEFF" : "") + body;
    }),
);

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
