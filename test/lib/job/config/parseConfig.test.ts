import { describe, expect, it } from "vitest";

import { ConfigError } from "../../../../lib/core/errors.js";
import { parseConfig } from "../../../../lib/job/config/parseConfig.js";
import { parseDuration } from "../../../../lib/job/config/parseDuration.js";
import { SETTINGS } from "../../../../lib/job/config/settings.js";

const REQUIRED = {
  LOG_ANALYTICS_WORKSPACE_ID: "3f0c5a1e-8b2d-4c7e-9a6f-1d2e3b4c5a6f",
  LOGS_INGESTION_ENDPOINT: "https://webshell-dce-abcd.westeurope-1.ingest.monitor.azure.com",
  LOGS_INGESTION_RULE_ID: "dcr-0123456789abcdef0123456789abcdef",
  ENRICHMENT_TABLE_ENDPOINT: "https://stwebshell.table.core.windows.net/",
};

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("parseConfig", () => {
  it("takes the documented defaults for everything optional", () => {
    const config = parseConfig(REQUIRED);
    expect(config.logAnalytics.endpoint).toBe("https://api.loganalytics.io/v1");
    expect(config.ingestion.stream).toBe("Custom-WebShellEnrichment_CL");
    expect(config.table).toEqual({
      endpoint: REQUIRED.ENRICHMENT_TABLE_ENDPOINT,
      tableName: "WebShellEnrichment",
    });
    expect(config.engine).toMatchObject({
      mode: "precise",
      windowSlackMs: 60_000,
      baselineWindowMs: 7 * 86_400_000,
      baselineScope: "page",
      distinctIpThreshold: 3,
      workerImages: ["w3wp.exe"],
      processSources: ["alerts"],
      benignChildren: ["conhost.exe", "csc.exe", "vbc.exe", "cvtres.exe", "WerFault.exe"],
    });
    expect(config.engine.scriptExtensions).toHaveLength(8);
    expect(config).toMatchObject({
      overlapMs: 1_800_000,
      ingestionDelayMs: 300_000,
      secondLookMs: 7_200_000,
      firstRunLookbackMs: 86_400_000,
      httpTimeBudgetMs: 200_000,
      settleMs: 1_800_000,
    });
  });

  it("reads every tuning setting", () => {
    const config = parseConfig({
      ...REQUIRED,
      ENRICH_MODE: "compat",
      ENRICH_BASELINE_SCOPE: "site",
      ENRICH_DISTINCT_IP_THRESHOLD: "5",
      ENRICH_WORKER_IMAGES: "w3wp.exe, php-cgi.exe",
      ENRICH_WINDOW_SLACK: "PT90S",
      ENRICH_OVERLAP: "PT0S",
      ENRICH_PROCESS_SOURCES: "DeviceProcessEvents, alerts",
      ENRICH_BENIGN_CHILDREN: "conhost.exe, php-cgi.exe",
    });
    expect(config.engine).toMatchObject({
      mode: "compat",
      baselineScope: "site",
      distinctIpThreshold: 5,
      workerImages: ["w3wp.exe", "php-cgi.exe"],
      windowSlackMs: 90_000,
      processSources: ["alerts", "deviceprocessevents"],
      benignChildren: ["conhost.exe", "php-cgi.exe"],
    });
    expect(config.overlapMs).toBe(0);
  });

  it("reads one process source alone, and no benign children as none", () => {
    const config = parseConfig({
      ...REQUIRED,
      ENRICH_PROCESS_SOURCES: "deviceprocessevents",
      ENRICH_BENIGN_CHILDREN: "None",
    });
    expect(config.engine).toMatchObject({ processSources: ["deviceprocessevents"], benignChildren: [] });
    expect(problemsOf({ ...REQUIRED, ENRICH_PROCESS_SOURCES: "alerts,sysmon" })).toEqual([
      'ENRICH_PROCESS_SOURCES: expected a comma-separated list of alerts, deviceprocessevents, got "alerts,sysmon"',
    ]);
  });

  it("names every bad setting in one error", () => {
    const problems = problemsOf({
      LOG_ANALYTICS_WORKSPACE_ID: "my-workspace",
      LOG_ANALYTICS_ENDPOINT: "http://api.loganalytics.io",
      LOGS_INGESTION_RULE_ID: "rule",
      ENRICH_MODE: "fast",
      ENRICH_WINDOW_SLACK: "1 minute",
      ENRICH_DISTINCT_IP_THRESHOLD: "-1",
    });
    expect(problems.map((problem) => problem.split(":")[0])).toEqual([
      "ENRICHMENT_TABLE_ENDPOINT / ENRICHMENT_TABLE_CONNECTION",
      "LOG_ANALYTICS_WORKSPACE_ID",
      "LOG_ANALYTICS_ENDPOINT",
      "LOGS_INGESTION_ENDPOINT",
      "LOGS_INGESTION_RULE_ID",
      "ENRICH_MODE",
      "ENRICH_WINDOW_SLACK",
      "ENRICH_DISTINCT_IP_THRESHOLD",
    ]);
    expect(problems[1]).toBe(
      'LOG_ANALYTICS_WORKSPACE_ID: expected the workspace id (a GUID), got "my-workspace"',
    );
  });

  it("wants exactly one way to reach Table Storage", () => {
    const both = { ...REQUIRED, ENRICHMENT_TABLE_CONNECTION: "UseDevelopmentStorage=true" };
    expect(problemsOf(both)).toEqual([
      expect.stringMatching(/^ENRICHMENT_TABLE_ENDPOINT \/ ENRICHMENT_TABLE_CONNECTION/),
    ]);
    const { ENRICHMENT_TABLE_ENDPOINT: _, ...connectionOnly } = both;
    expect(parseConfig(connectionOnly).table).toEqual({
      connectionString: "UseDevelopmentStorage=true",
      tableName: "WebShellEnrichment",
    });
  });

  it("refuses an on-demand budget that Azure's front end would cut (230 s)", () => {
    expect(problemsOf({ ...REQUIRED, ENRICH_HTTP_TIME_BUDGET: "PT229S" })).toEqual([]);
    expect(problemsOf({ ...REQUIRED, ENRICH_HTTP_TIME_BUDGET: "PT230S" })).toEqual([
      expect.stringMatching(
        /^ENRICH_HTTP_TIME_BUDGET: expected an ISO 8601 duration under 230 s .*got "PT230S"$/,
      ),
    ]);
  });

  it("refuses a settle time not longer than the ingestion delay or a run's budget, in one message", () => {
    expect(problemsOf({ ...REQUIRED, ENRICH_SETTLE: "PT5M" })).toEqual([
      'ENRICH_SETTLE: expected a duration longer than ENRICH_INGESTION_DELAY and ENRICH_TIME_BUDGET, got "PT5M"',
    ]);
    expect(problemsOf({ ...REQUIRED, ENRICH_SETTLE: "PT9M" })).toEqual([]);
    expect(problemsOf({ ...REQUIRED, ENRICH_SETTLE: "PT9M", ENRICH_INGESTION_DELAY: "PT10M" })).toEqual([
      'ENRICH_SETTLE: expected a duration longer than ENRICH_INGESTION_DELAY, got "PT9M"',
    ]);
    expect(problemsOf({ ...REQUIRED, ENRICH_SETTLE: "PT4M", ENRICH_INGESTION_DELAY: "PT0S" })).toEqual([
      'ENRICH_SETTLE: expected a duration longer than ENRICH_TIME_BUDGET, got "PT4M"',
    ]);
  });

  it("has a valid default for every optional setting", () => {
    for (const [name, setting] of Object.entries(SETTINGS)) {
      if ("default" in setting) expect(problemsOf({ ...REQUIRED, [name]: setting.default })).toEqual([]);
    }
  });
});

describe("parseDuration", () => {
  it.each([
    ["PT15M", 900_000],
    ["P7D", 604_800_000],
    ["P1DT12H", 129_600_000],
    ["PT0.5S", 500],
    ["P2W", 1_209_600_000],
    ["pt1h", 3_600_000],
    ["PT0S", 0],
  ])("%s = %i ms", (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(["", "P", "PT", "P1DT", "15M", "P1M", "P1Y", "PT-5M", "1h"])("rejects %j", (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});
