import { QueryError } from "../core/errors.js";

/**
 * Runs `work` over `items` in batches of at most `size`. When the workspace says a batch's answer is too large
 * (over 500,000 rows or ~100 MB), the batch is halved and each half run on its own, down to single items; a
 * single item that is still too large fails the window with the service's reason.
 */
export async function queryInBatches<T>(
  items: readonly T[],
  size: number,
  work: (batch: readonly T[]) => Promise<void>,
): Promise<void> {
  for (let start = 0; start < items.length; start += size) {
    await runSplitting(items.slice(start, start + size), work);
  }
}

async function runSplitting<T>(
  batch: readonly T[],
  work: (batch: readonly T[]) => Promise<void>,
): Promise<void> {
  try {
    await work(batch);
  } catch (error) {
    if (batch.length < 2 || !(error instanceof QueryError && error.reason === "tooLarge")) throw error;
    const half = Math.ceil(batch.length / 2);
    await runSplitting(batch.slice(0, half), work);
    await runSplitting(batch.slice(half), work);
  }
}
