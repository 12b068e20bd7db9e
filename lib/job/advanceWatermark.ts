import { CheckpointConflictError } from "../core/errors.js";
import type { CheckpointStore, Watermark } from "./ports.js";

const ATTEMPTS = 3;

/**
 * Moves a job's watermark to `value`, never backwards: on a conflict (another run wrote in between) it reads the
 * stored watermark again and keeps it if it is already further, else retries on the new ETag.
 */
export async function advanceWatermark(
  store: CheckpointStore,
  job: string,
  value: number,
  expected: Watermark | undefined,
): Promise<Watermark> {
  let current = expected;
  for (let attempt = 1; ; attempt++) {
    if (current !== undefined && current.value >= value) return current;
    try {
      return await store.write(job, value, current);
    } catch (error) {
      if (!(error instanceof CheckpointConflictError) || attempt >= ATTEMPTS) throw error;
      current = await store.read(job);
    }
  }
}
