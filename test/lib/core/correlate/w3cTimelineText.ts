import fc from "fast-check";

// W3C logs around the timeline fixtures' commands (test/support/timeline.ts: WEB01, 10.1.0.11, 2026-11-20 ~10:15),
// drawn from a small vocabulary so that lines match commands, pages cross the distinct-IP threshold, and hosts,
// sites, forwarded chains and time-taken take every shape the engine reads: for holding the correlators' byte-level
// path to their request path.

const FIELDS = [
  "s-sitename",
  "s-computername",
  "s-ip",
  "cs-method",
  "cs-uri-stem",
  "cs-uri-query",
  "c-ip",
  "cs(User-Agent)",
  "sc-status",
  "time-taken",
  "X-Forwarded-For",
];

const VALUES: Record<string, fc.Arbitrary<string>> = {
  "s-sitename": fc.constantFrom("W3SVC1", "w3svc1", "W3SVC2", "-"),
  "s-computername": fc.constantFrom("WEB01", "web01", "WEB01.contoso.local", "WEB02", "-", " web01"),
  "s-ip": fc.constantFrom("10.1.0.11", "10.1.0.12", "-"),
  "cs-method": fc.constantFrom("GET", "POST"),
  "cs-uri-stem": fc.oneof(
    fc.constantFrom(
      "/uploads/help.aspx",
      "/Uploads/Help.ASPX",
      "/popular.aspx",
      "/x.php.bak",
      "/app.js",
      "/a.json",
      "/é/x.aspx",
      "/\u0130.aspx",
      "/x.asp\u212ax",
      "/ΟΔΟΣ/Д.aspx",
      "/οδος/д.aspx",
      "/\u023a.PHP",
      "/\u2c65.php",
      "/",
      "-",
    ),
    fc.string({ unit: fc.constantFrom("/", "a", ".", "p", "h", "x", "s", "é"), maxLength: 8 }),
  ),
  "cs-uri-query": fc.constantFrom("-", "cmd=whoami", "a=1"),
  "c-ip": fc.constantFrom(
    "203.0.113.77",
    "198.51.100.1",
    "198.51.100.2",
    "198.51.100.3",
    "198.51.100.4",
    "-",
    "2001:db8::77",
    "2001:DB8::77",
    "198.51.100.01",
    "fe80::1%11",
    "\u00e9::1",
  ),
  "cs(User-Agent)": fc.constantFrom(
    "Mozilla/5.0+(Windows+NT+10.0)",
    "python-requests/2.31.0",
    "-",
    "+",
    "curl/8.0",
  ),
  "sc-status": fc.constantFrom("200", "500"),
  "time-taken": fc.constantFrom("0", "1250", "45000", "99999999999", "-", "12x"),
  "X-Forwarded-For": fc.constantFrom("-", "203.0.113.9", "203.0.113.9,+10.0.0.1", "+", ",198.51.100.1"),
};

const time = fc
  .tuple(fc.integer({ min: 13, max: 18 }), fc.nat(59), fc.constantFrom("", ".5", ".250"))
  .map(([m, s, f]) => `10:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}${f}`);

// Nearly always with the page; now and then without, which makes every line's page "".
const layout = fc
  .tuple(fc.shuffledSubarray(FIELDS, { minLength: 3 }), fc.nat(9))
  .map(([names, dice]) => (names.includes("cs-uri-stem") || dice === 0 ? names : [...names, "cs-uri-stem"]));

function lineFor(names: readonly string[]): fc.Arbitrary<string> {
  const good = fc
    .tuple(time, ...names.map((name) => VALUES[name]!))
    .map(([t, ...values]) => ["2026-11-20", t, ...values].join(" "));
  return fc.oneof(
    { weight: 20, arbitrary: good },
    { weight: 1, arbitrary: good.map((line) => `${line} extra`) },
  );
}

const block = layout.chain((names) =>
  fc
    .array(lineFor(names), { minLength: 1, maxLength: 40 })
    .map((lines) => [`#Fields: date time ${names.join(" ")}`, ...lines].join("\n")),
);

/** One W3C log: one to three `#Fields` blocks of lines around the commands. */
export const timelineLog = fc
  .array(block, { minLength: 1, maxLength: 3 })
  .map((blocks) => `${blocks.join("\n")}\n`);
