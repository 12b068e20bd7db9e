import { ConfigError } from "../../core/errors.js";
import {
  BASELINE_SCOPES,
  type BaselineScope,
  DEFAULT_ENGINE_OPTIONS,
  MATCH_MODES,
  type MatchMode,
  PROCESS_SOURCE_SETTINGS,
  type ProcessSourceSetting,
} from "../../core/model/EngineOptions.js";
import { isKqlSafe } from "../kql/kqlLiterals.js";
import type { AppConfig } from "./AppConfig.js";
import { parseDuration } from "./parseDuration.js";
import { redactSecrets } from "./redactSecrets.js";
import { type SettingName, SETTINGS } from "./settings.js";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DCR_ID = /^dcr-[0-9a-f]{32}$/i;
// Azure's front end ends an HTTP request that has not been answered after 230 s, whatever the function timeout.
const HTTP_FRONT_END_LIMIT_MS = 230_000;
// Stream names are custom (`Custom-…`) or Microsoft tables; no characters that would need escaping in a URL path.
const STREAM = /^[A-Za-z][A-Za-z0-9_-]{0,127}$/;

/**
 * Reads and validates every app setting once, at start-up. Nothing else in the app reads the environment. All
 * problems are collected and thrown together as one `ConfigError` naming each setting and what it expected.
 */
export function parseConfig(env: Readonly<Record<string, string | undefined>>): AppConfig {
  const problems: string[] = [];
  const raw = (name: SettingName): string => {
    const value = env[name]?.trim();
    if (value !== undefined && value !== "") return value;
    const setting = SETTINGS[name];
    return "default" in setting ? setting.default : "";
  };
  const check = <T>(name: SettingName, expected: string, parse: (text: string) => T | undefined): T => {
    const text = raw(name);
    const value = text === "" ? undefined : parse(text);
    if (value === undefined)
      problems.push(
        `${name}: expected ${expected}, got ${text === "" ? "nothing" : `"${redactSecrets(text)}"`}`,
      );
    return value as T;
  };
  const duration = (name: SettingName) =>
    check(name, "an ISO 8601 duration such as PT15M or P7D", parsePositive);
  // List items go into KQL string literals: one that a literal cannot carry would fail every run, so refuse it now.
  const list = (name: SettingName) =>
    check(name, "a comma-separated list without control characters", (text) => {
      const items = parseList(text);
      return items?.every(isKqlSafe) === true ? items : undefined;
    });

  const tableEndpoint = env.ENRICHMENT_TABLE_ENDPOINT?.trim() || undefined;
  const tableConnection = env.ENRICHMENT_TABLE_CONNECTION?.trim() || undefined;
  if ((tableEndpoint === undefined) === (tableConnection === undefined)) {
    problems.push(
      "ENRICHMENT_TABLE_ENDPOINT / ENRICHMENT_TABLE_CONNECTION: expected exactly one of them " +
        "(the table service URL for managed identity, or a connection string)",
    );
  } else if (tableEndpoint !== undefined && parseHttpsUrl(tableEndpoint) === undefined) {
    problems.push(
      `ENRICHMENT_TABLE_ENDPOINT: expected an https:// URL, got "${redactSecrets(tableEndpoint)}"`,
    );
  }

  const config: AppConfig = {
    logAnalytics: {
      workspaceId: check("LOG_ANALYTICS_WORKSPACE_ID", "the workspace id (a GUID)", (t) =>
        GUID.test(t) ? t : undefined,
      ),
      endpoint: check("LOG_ANALYTICS_ENDPOINT", "an https:// URL ending in /v1", (t) =>
        parseHttpsUrl(t)?.replace(/\/+$/, "").endsWith("/v1") ? t.replace(/\/+$/, "") : undefined,
      ),
    },
    ingestion: {
      endpoint: check(
        "LOGS_INGESTION_ENDPOINT",
        "the data collection endpoint's https:// URL",
        parseHttpsUrl,
      ),
      ruleId: check("LOGS_INGESTION_RULE_ID", "the DCR immutable id (dcr- and 32 hex digits)", (t) =>
        DCR_ID.test(t) ? t : undefined,
      ),
      stream: check("LOGS_INGESTION_STREAM", "a stream name such as Custom-WebShellEnrichment_CL", (t) =>
        STREAM.test(t) ? t : undefined,
      ),
    },
    table: {
      ...(tableEndpoint === undefined ? {} : { endpoint: tableEndpoint }),
      ...(tableConnection === undefined ? {} : { connectionString: tableConnection }),
      tableName: check("ENRICHMENT_TABLE_NAME", "3-63 letters or digits, starting with a letter", (t) =>
        /^[A-Za-z][A-Za-z0-9]{2,62}$/.test(t) ? t : undefined,
      ),
    },
    schedule: check("ENRICH_SCHEDULE", "an NCRONTAB expression with six fields", (t) =>
      t.split(/\s+/).length === 6 ? t : undefined,
    ),
    engine: {
      ...DEFAULT_ENGINE_OPTIONS,
      mode: check("ENRICH_MODE", `one of ${MATCH_MODES.join(", ")}`, (t) => oneOf<MatchMode>(t, MATCH_MODES)),
      scriptExtensions: list("ENRICH_SCRIPT_EXTENSIONS"),
      workerImages: list("ENRICH_WORKER_IMAGES"),
      benignChildren: check(
        "ENRICH_BENIGN_CHILDREN",
        "a comma-separated list of images, or none",
        parseBenignChildren,
      ),
      processSources: check(
        "ENRICH_PROCESS_SOURCES",
        `a comma-separated list of ${PROCESS_SOURCE_SETTINGS.join(", ")}`,
        parseProcessSources,
      ),
      alertProviders: list("ENRICH_ALERT_PROVIDERS"),
      alertProducts: list("ENRICH_ALERT_PRODUCTS"),
      windowSlackMs: duration("ENRICH_WINDOW_SLACK"),
      maxRequestDurationMs: duration("ENRICH_MAX_REQUEST_DURATION"),
      baselineWindowMs: duration("ENRICH_BASELINE_WINDOW"),
      baselineScope: check("ENRICH_BASELINE_SCOPE", `one of ${BASELINE_SCOPES.join(", ")}`, (t) =>
        oneOf<BaselineScope>(t, BASELINE_SCOPES),
      ),
      distinctIpThreshold: check("ENRICH_DISTINCT_IP_THRESHOLD", "a whole number from 1 to 1000", (t) =>
        /^\d+$/.test(t) && Number(t) >= 1 && Number(t) <= 1000 ? Number(t) : undefined,
      ),
    },
    firstRunLookbackMs: duration("ENRICH_FIRST_RUN_LOOKBACK"),
    overlapMs: check("ENRICH_OVERLAP", "an ISO 8601 duration (PT0S for none)", parseDuration),
    ingestionDelayMs: check("ENRICH_INGESTION_DELAY", "an ISO 8601 duration (PT0S for none)", parseDuration),
    secondLookMs: check("ENRICH_SECOND_LOOK", "an ISO 8601 duration (PT0S for none)", parseDuration),
    maxWindowMs: duration("ENRICH_MAX_WINDOW"),
    httpMaxSpanMs: duration("ENRICH_HTTP_MAX_SPAN"),
    timeBudgetMs: duration("ENRICH_TIME_BUDGET"),
    httpTimeBudgetMs: check(
      "ENRICH_HTTP_TIME_BUDGET",
      "an ISO 8601 duration under 230 s (Azure's front end ends an unanswered HTTP request then), such as PT200S",
      (t) => {
        const ms = parsePositive(t);
        return ms !== undefined && ms < HTTP_FRONT_END_LIMIT_MS ? ms : undefined;
      },
    ),
    settleMs: duration("ENRICH_SETTLE"),
  };
  checkSettle(config, raw("ENRICH_SETTLE"), problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * A pending record is re-checked only after the settle time (docs/design.md §6.5): it must be longer than the
 * ingestion delay (rows the table has not shown yet would be sent again) and than either run's budget (a live
 * run's records would be taken from it).
 */
function checkSettle(config: AppConfig, text: string, problems: string[]): void {
  if (!(config.settleMs > 0)) return; // already reported as malformed
  const longer = [
    ["ENRICH_INGESTION_DELAY", config.ingestionDelayMs],
    ["ENRICH_TIME_BUDGET", config.timeBudgetMs],
    ["ENRICH_HTTP_TIME_BUDGET", config.httpTimeBudgetMs],
  ] as const;
  const shorter = longer.filter(([, ms]) => ms >= 0 && !(config.settleMs > ms)).map(([name]) => name);
  if (shorter.length > 0) {
    problems.push(
      `ENRICH_SETTLE: expected a duration longer than ${shorter.join(" and ")}, got "${redactSecrets(text)}"`,
    );
  }
}

/** A list of images, or `none` (any case) for an empty list; `undefined` when an image has control characters. */
export function parseBenignChildren(text: string): string[] | undefined {
  if (text.trim().toLowerCase() === "none") return [];
  const items = parseList(text);
  return items?.every(isKqlSafe) === true ? items : undefined;
}

/** The distinct sources named, in their canonical order; `undefined` when one is unknown. */
export function parseProcessSources(text: string): ProcessSourceSetting[] | undefined {
  const items = parseList(text.toLowerCase());
  if (items === undefined || !items.every((item) => oneOf(item, PROCESS_SOURCE_SETTINGS) !== undefined))
    return undefined;
  return PROCESS_SOURCE_SETTINGS.filter((source) => items.includes(source));
}

function parsePositive(text: string): number | undefined {
  const ms = parseDuration(text);
  return ms !== undefined && ms > 0 ? ms : undefined;
}

function parseList(text: string): string[] | undefined {
  const items = text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
  return items.length > 0 ? items : undefined;
}

function parseHttpsUrl(text: string): string | undefined {
  try {
    return new URL(text).protocol === "https:" ? text : undefined;
  } catch {
    return undefined;
  }
}

function oneOf<T extends string>(text: string, allowed: readonly T[]): T | undefined {
  return (allowed as readonly string[]).includes(text) ? (text as T) : undefined;
}
