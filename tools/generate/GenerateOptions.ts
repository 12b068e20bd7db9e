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
}

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
