// The service's own ceiling for one query (10 minutes), and the least a query is given when the budget allows it.
const MAX_SECONDS = 600;
const FLOOR_SECONDS = 30;

/**
 * Seconds the workspace may spend on the queries of a window (docs/design.md §6): what is left of the run's time budget,
 * at most the service's 10 minutes, and at least 30 s so that a window started late still gets a usable query —
 * but never more than the whole budget, so a small `ENRICH_TIME_BUDGET` really bounds a run.
 *
 * @example queryTimeoutSeconds(480_000, 0) // 480
 */
export function queryTimeoutSeconds(budgetMs: number, elapsedMs: number): number {
  const budget = Math.max(1, Math.floor(budgetMs / 1000));
  const left = Math.floor((budgetMs - elapsedMs) / 1000);
  return Math.max(Math.min(FLOOR_SECONDS, budget), Math.min(MAX_SECONDS, left));
}
