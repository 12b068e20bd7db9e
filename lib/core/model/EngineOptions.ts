/** How the correlation behaves: the same knobs for the CLI, the timer and the HTTP function. */
export interface EngineOptions {
  /** `precise` fixes the original query's defects; `compat` reproduces its output row for row. */
  mode: MatchMode;
  /** Script page terms, matched with Kusto `has_any` semantics on `csUriStem`. */
  scriptExtensions: readonly string[];
  /** Web server worker images (case-insensitive) whose children are web-shell commands. */
  workerImages: readonly string[];
  /**
   * Images (case-insensitive) that IIS starts on its own (console hosts, the ASP.NET compilers): a process of these
   * that only `DeviceProcessEvents` saw is left out and counted (docs/design.md §4.12).
   */
  benignChildren: readonly string[];
  /**
   * The tables a workspace run reads processes from (docs/design.md §4.12): `alerts` (SecurityAlert) and, in precise
   * mode, `deviceprocessevents`. An offline run reads the files it is given instead.
   */
  processSources: readonly ProcessSourceSetting[];
  /** SecurityAlert `ProviderName` values (`=~`) that mark a Defender for Endpoint alert. */
  alertProviders: readonly string[];
  /** SecurityAlert `ProductName` values (`=~`) that mark a Defender for Endpoint alert (precise mode). */
  alertProducts: readonly string[];
  /** Slack around a request's [start, end] interval when matching it to a process start (precise). */
  windowSlackMs: number;
  /**
   * A request is taken to run for at most this long (IIS `time-taken` beyond it is capped), which bounds how far
   * after a process start a matching request can be logged, and so the workspace query's time window.
   */
  maxRequestDurationMs: number;
  /** Length of the rarity baseline window, ending at the window's end (precise). */
  baselineWindowMs: number;
  /** What a page's distinct client IPs are counted over (precise): globally, per host, or per host and site. */
  baselineScope: BaselineScope;
  /** A page is a shell candidate when at most this many distinct client IPs requested it. */
  distinctIpThreshold: number;
  /** Most evidence requests kept per record; `RequestCount` still counts them all. */
  evidenceCap: number;
}

export type MatchMode = "precise" | "compat";
export type ProcessSourceSetting = "alerts" | "deviceprocessevents";
export type BaselineScope = "page" | "host" | "site";

export const MATCH_MODES: readonly MatchMode[] = ["precise", "compat"];
export const BASELINE_SCOPES: readonly BaselineScope[] = ["page", "host", "site"];
export const PROCESS_SOURCE_SETTINGS: readonly ProcessSourceSetting[] = ["alerts", "deviceprocessevents"];

/** The original query's values, and docs/design.md §4's defaults for what it did not have. */
export const DEFAULT_ENGINE_OPTIONS: Readonly<EngineOptions> = Object.freeze({
  mode: "precise",
  scriptExtensions: [".php", ".jsp", ".js", ".aspx", ".asmx", ".asax", ".cfm", ".shtml"],
  workerImages: ["w3wp.exe"],
  benignChildren: ["conhost.exe", "csc.exe", "vbc.exe", "cvtres.exe", "WerFault.exe"],
  processSources: ["alerts"] as ProcessSourceSetting[],
  alertProviders: ["MDATP"],
  alertProducts: [
    "Microsoft Defender Advanced Threat Protection",
    "Microsoft 365 Defender",
    "Microsoft Defender XDR",
    "Microsoft Defender for Endpoint",
  ],
  windowSlackMs: 60_000,
  maxRequestDurationMs: 3_600_000,
  baselineWindowMs: 7 * 24 * 3_600_000,
  baselineScope: "page",
  distinctIpThreshold: 3,
  evidenceCap: 20,
});

/** A time range in epoch ms, `from` inclusive and `to` exclusive, as a hunting query's time range. */
export interface TimeRange {
  from: number;
  to: number;
}

/** Whether a time falls in the run's range; no range means the whole input (a hunting query's time range). */
export function inRange(time: number, range: TimeRange | undefined): boolean {
  return range === undefined || (time >= range.from && time < range.to);
}
