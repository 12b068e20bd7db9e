/**
 * What a generated data set depends on. The output folder is deliberately not part of it: the same options give
 * byte-identical files wherever they are written, and `truth.json` records exactly these values.
 */
export interface GenerateOptions {
  /** Seed of every random choice. */
  seed: number;
  /** Approximate total number of IIS log lines (all hosts, all days). */
  lines: number;
  /** Start of the data, epoch milliseconds (UTC, a whole minute). */
  start: number;
  /** Number of 24-hour days of IIS traffic. */
  days: number;
  /**
   * Distinct long-tail script pages per million lines, with ids in their paths (`/portal/orders/918273/view.aspx`),
   * as sites that put record ids in their URLs have; unset: the default long tail (about 17,000 per million lines
   * at 10 million, named like a catalogue).
   */
  scriptStemsPerMillion?: number;
  /** Share of requests that are script pages, 0.05..0.95; unset: about 0.40. */
  scriptShare?: number;
  /**
   * Folders before each id-path page (with `scriptStemsPerMillion`), 1..12, each about 10 bytes, capitalised
   * (`/Tenants/T3f1/Workspaces/Archive/…/portal/orders/918273/view.aspx`); unset: none.
   */
  pageDepth?: number;
  /**
   * Share of id-path pages (with `scriptStemsPerMillion`), 0.05..0.95, under a first folder in another script
   * (`/Документы/…`, Greek, Turkish, Japanese): pages that are not ASCII, whose lower case differs; unset: none.
   */
  nonLatinShare?: number;
  /**
   * Share of browser requests made over IPv6, 0.05..0.95, each from a new temporary address (privacy extensions,
   * RFC 8981, at their most frequent): a distinct client address on nearly every such request; unset: IPv4 only.
   */
  ipv6Share?: number;
  /**
   * Legacy-shaped web-shell alerts beyond the scenarios': each one shell request on WEB01 or WEB02 and one command,
   * with every entity at the top level (what the original query reads); unset: none.
   */
  legacyAlerts?: number;
  /**
   * The first `$id` of every alert's entities: 2 (unset, as Defender numbers them) or 1 (as SecurityAlert exports
   * do). Either way each alert starts again, which is what the original query's cross-alert join (B2) multiplies.
   */
  entityIdsFrom?: 1 | 2;
}

/** The profile options, by their command-line names, for what a data set says it was made with. */
export const PROFILE_OPTIONS = [
  ["scriptStemsPerMillion", "--script-stems"],
  ["scriptShare", "--script-share"],
  ["pageDepth", "--page-depth"],
  ["nonLatinShare", "--non-latin-share"],
  ["ipv6Share", "--ipv6-share"],
  ["legacyAlerts", "--legacy-alerts"],
  ["entityIdsFrom", "--entity-ids-from"],
] as const;

/** The defaults: the bundled sample (`data/sample/`) is generated with exactly these. */
export const DEFAULT_GENERATE_OPTIONS: Readonly<GenerateOptions> = Object.freeze({
  seed: 1,
  lines: 20_000,
  start: Date.UTC(2026, 10, 20),
  days: 2,
});

/**
 * At most this many days: the rarity baseline covers the 7 days up to the end of the data, so every request of
 * a generated set is inside it and the ground truth does not depend on where the baseline starts.
 */
export const MAX_DAYS = 7;

/** Smallest `--lines`: below it benign traffic is too thin to hide the scenarios in. */
export const MIN_LINES = 500;
/** Largest `--lines` (about 50 GB of logs): a guard against a typo, not a limit of the generator. */
export const MAX_LINES = 200_000_000;

/** Most distinct script pages per million lines: one per three or four lines already, past any real site. */
export const MAX_STEMS_PER_MILLION = 300_000;
/** Most extra legacy alerts: each takes a 20-minute slot on WEB01 or WEB02 (a week holds about 900). */
export const MAX_LEGACY_ALERTS = 5_000;
