import type { EngineOptions } from "../../core/model/EngineOptions.js";

/** Everything the scheduled and on-demand jobs need, validated once at start-up by `parseConfig`. */
export interface AppConfig {
  logAnalytics: { workspaceId: string; endpoint: string };
  ingestion: { endpoint: string; ruleId: string; stream: string };
  /** Exactly one of `endpoint` (managed identity) or `connectionString` is set. */
  table: { endpoint?: string; connectionString?: string; tableName: string };
  schedule: string;
  engine: EngineOptions;
  /** Where the first run starts, before now. */
  firstRunLookbackMs: number;
  /** How much before the watermark each run re-reads (late arrivals; duplicates are removed by RecordId). */
  overlapMs: number;
  /** Rows younger than this are left for the next run (ingestion latency). */
  ingestionDelayMs: number;
  /**
   * How long after its first reading each window is read once more (0 for never): W3CIISLog rows can reach the
   * workspace hours after the alert that needs them, and a window read before they arrived finds nothing to resend
   * (docs/design.md §6.2).
   */
  secondLookMs: number;
  /** Longest alert window one set of queries covers. */
  maxWindowMs: number;
  /** Longest from..to the HTTP trigger accepts. */
  httpMaxSpanMs: number;
  /** Run time after which no new window starts, well inside the function timeout. */
  timeBudgetMs: number;
  /** Time an on-demand run may take before it answers, inside the front end's 230 s. */
  httpTimeBudgetMs: number;
  /**
   * Age after which a `pending` record left by another run is re-checked against the custom table and resent:
   * longer than the ingestion delay and than any run, so a live run's records and rows still on their way to the
   * table are left alone (docs/design.md §6.5).
   */
  settleMs: number;
}
