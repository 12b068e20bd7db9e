import type { TableClient } from "@azure/data-tables";

import { CheckpointConflictError, TableStoreError } from "../../../core/errors.js";
import type { CheckpointStore, Watermark } from "../../../job/ports.js";
import { ensureTable } from "./createTableClient.js";
import { encodeTableKey } from "./encodeTableKey.js";
import { isTableError, toTableStoreError } from "./tableErrors.js";

/** The partition of the watermark entities, beside the records' `record-*` partitions. */
export const CHECKPOINT_PARTITION = "checkpoint";

interface CheckpointEntity {
  Watermark: Date;
  UpdatedAt: Date;
}

/**
 * Each job's watermark as one entity (`PartitionKey = "checkpoint"`, `RowKey` = the encoded job name) holding only
 * `Watermark` and `UpdatedAt`: no failure counters or tokens share it (docs/design.md §6.2). Writes are conditional on the
 * ETag read before, so of two overlapping runs only one moves it; keeping it from going backwards is the job's
 * rule, not this store's.
 */
export class TableCheckpointStore implements CheckpointStore {
  constructor(
    private readonly client: TableClient,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Creates the table when it is missing (an existing one is fine). */
  ensureTable(): Promise<void> {
    return ensureTable(this.client);
  }

  /**
   * The job's watermark and its ETag, or `undefined` before the first write.
   * @throws TableStoreError when the read fails or the stored entity has no datetime `Watermark`.
   */
  async read(job: string): Promise<Watermark | undefined> {
    let entity: Partial<CheckpointEntity> & { etag: string };
    try {
      entity = await this.client.getEntity<Partial<CheckpointEntity>>(
        CHECKPOINT_PARTITION,
        encodeTableKey(job),
      );
    } catch (error) {
      if (isTableError(error, 404)) return undefined;
      throw toTableStoreError(
        `Reading the watermark of job ${job} from table ${this.client.tableName} failed`,
        error,
      );
    }
    if (!(entity.Watermark instanceof Date)) {
      throw new TableStoreError(
        `Expected the checkpoint of job ${job} in table ${this.client.tableName} to hold a datetime Watermark, ` +
          `found ${JSON.stringify(entity.Watermark)}`,
        false,
      );
    }
    return { value: entity.Watermark.getTime(), etag: entity.etag };
  }

  /**
   * Stores `value` if the stored watermark is still `expected` (same ETag), or creates it if `expected` is
   * undefined and none exists. Returns the new watermark with its ETag.
   * @throws CheckpointConflictError when another run created or changed (or removed) it in between.
   * @throws TableStoreError for any other failure.
   */
  async write(job: string, value: number, expected: Watermark | undefined): Promise<Watermark> {
    if (!Number.isFinite(value)) {
      throw new TableStoreError(
        `Expected the watermark of job ${job} to be epoch milliseconds, got ${value}`,
        false,
      );
    }
    const entity = {
      partitionKey: CHECKPOINT_PARTITION,
      rowKey: encodeTableKey(job),
      Watermark: new Date(value),
      UpdatedAt: new Date(this.clock()),
    };
    let etag: string | undefined;
    try {
      const response =
        expected === undefined
          ? await this.client.createEntity(entity)
          : await this.client.updateEntity(entity, "Replace", { etag: expected.etag });
      etag = response.etag;
    } catch (error) {
      if (isConflict(error, expected)) {
        throw new CheckpointConflictError(
          expected === undefined
            ? `Expected no watermark for job ${job} yet, but another run created one first`
            : `Expected the watermark of job ${job} to still be ${new Date(expected.value).toISOString()} ` +
                `(ETag ${expected.etag}), but another run changed it first`,
          { cause: error },
        );
      }
      throw toTableStoreError(
        `Writing the watermark of job ${job} to table ${this.client.tableName} failed`,
        error,
      );
    }
    if (etag === undefined) {
      throw new TableStoreError(
        `Writing the watermark of job ${job} succeeded but the answer had no ETag`,
        true,
      );
    }
    return { value, etag };
  }
}

function isConflict(error: unknown, expected: Watermark | undefined): boolean {
  if (expected === undefined) return isTableError(error, 409, "EntityAlreadyExists");
  // 412: changed since our read; 404: removed since our read. Either way it is no longer what we read.
  return isTableError(error, 412) || isTableError(error, 404);
}
