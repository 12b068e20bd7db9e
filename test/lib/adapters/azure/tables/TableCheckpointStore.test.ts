import type { TableClient } from "@azure/data-tables";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTableClient } from "../../../../../lib/adapters/azure/tables/createTableClient.js";
import { encodeTableKey } from "../../../../../lib/adapters/azure/tables/encodeTableKey.js";
import {
  CHECKPOINT_PARTITION,
  TableCheckpointStore,
} from "../../../../../lib/adapters/azure/tables/TableCheckpointStore.js";
import { CheckpointConflictError, TableStoreError } from "../../../../../lib/core/errors.js";
import { type Azurite, startAzurite } from "../../../../../tools/doubles/startAzurite.js";

const FAST_RETRIES = { maxRetries: 1, retryDelayInMs: 10, maxRetryDelayInMs: 20 };
const T1 = Date.parse("2026-11-20T10:00:00.250Z");
const T2 = Date.parse("2026-11-20T10:15:00.500Z");
const T3 = Date.parse("2026-11-20T10:30:00.750Z");
const CLOCK = Date.parse("2026-11-20T10:35:00Z");

describe("TableCheckpointStore on Azurite", () => {
  let azurite: Azurite;
  let client: TableClient;
  let store: TableCheckpointStore;
  beforeAll(async () => {
    azurite = await startAzurite();
    client = createTableClient(
      { connectionString: azurite.connectionString, tableName: "WebShellEnrichment" },
      FAST_RETRIES,
    );
    store = new TableCheckpointStore(client, () => CLOCK);
    await store.ensureTable();
  });
  afterAll(() => azurite.stop());

  it("reads nothing for a job that never wrote", async () => {
    expect(await store.read("never-ran")).toBeUndefined();
  });

  it("creates the watermark on the first write and reads it back with the same ETag", async () => {
    const written = await store.write("create-read", T1, undefined);
    expect(written.value).toBe(T1);
    expect(written.etag).toMatch(/^W\/"datetime'/);
    expect(await store.read("create-read")).toEqual(written);
  });

  it("stores only Watermark and UpdatedAt, in the checkpoint partition under the job's name", async () => {
    await store.write("enrich-timer", T1, undefined);
    const entity = await client.getEntity<Record<string, unknown>>(CHECKPOINT_PARTITION, "enrich-timer");
    const properties = Object.keys(entity).filter(
      (name) => !["odata.metadata", "etag", "partitionKey", "rowKey", "timestamp"].includes(name),
    );
    expect(properties.sort()).toEqual(["UpdatedAt", "Watermark"]);
    expect(entity.Watermark).toEqual(new Date(T1));
    expect(entity.UpdatedAt).toEqual(new Date(CLOCK));
  });

  it("moves the watermark when the ETag still matches, returning the new ETag", async () => {
    const first = await store.write("update", T1, undefined);
    const second = await store.write("update", T2, first);
    expect(second.value).toBe(T2);
    expect(second.etag).not.toBe(first.etag);
    expect(await store.read("update")).toEqual(second);
    const third = await store.write("update", T3, second);
    expect(await store.read("update")).toEqual(third);
  });

  it("refuses a write with a stale ETag and keeps the newer watermark", async () => {
    const first = await store.write("stale", T1, undefined);
    const second = await store.write("stale", T2, first);

    await expect(store.write("stale", T3, first)).rejects.toBeInstanceOf(CheckpointConflictError);
    expect(await store.read("stale")).toEqual(second);
  });

  it("refuses to create a watermark another run created first", async () => {
    const existing = await store.write("created-twice", T2, undefined);
    const failure = await store.write("created-twice", T1, undefined).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CheckpointConflictError);
    expect(failure).toMatchObject({ transient: true, cause: { statusCode: 409 } });
    expect(await store.read("created-twice")).toEqual(existing);
  });

  it("lets exactly one of two runs that read the same ETag move the watermark", async () => {
    const read = await store.write("race", T1, undefined);
    const results = await Promise.allSettled([store.write("race", T2, read), store.write("race", T3, read)]);

    const won = results.filter((result) => result.status === "fulfilled");
    const lost = results.filter((result) => result.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]?.reason).toBeInstanceOf(CheckpointConflictError);
    expect((lost[0]?.reason as Error).message).toMatch(
      /^Expected the watermark of job race to still be 2026-11-20T10:00:00.250Z/,
    );
    expect(await store.read("race")).toEqual(won[0]?.value);
  });

  it("treats a watermark removed since it was read as a conflict", async () => {
    const read = await store.write("removed", T1, undefined);
    await client.deleteEntity(CHECKPOINT_PARTITION, "removed");
    await expect(store.write("removed", T2, read)).rejects.toBeInstanceOf(CheckpointConflictError);
  });

  it("keeps jobs whose names hold forbidden key characters apart, under encoded keys", async () => {
    const jobs = ["tenant/a#b?c\\d", "tenant%2Fa#b?c\\d", "line\nbreak\u0085", "100%"];
    const written = [];
    for (const [index, job] of jobs.entries()) written.push(await store.write(job, T1 + index, undefined));
    for (const [index, job] of jobs.entries()) {
      expect(await store.read(job)).toEqual(written[index]);
      const entity = await client.getEntity(CHECKPOINT_PARTITION, encodeTableKey(job));
      expect(entity.rowKey).toBe(encodeTableKey(job));
    }
    const next = await store.write(jobs[0] ?? "", T3, written[0]);
    expect(await store.read(jobs[0] ?? "")).toEqual(next);
    expect((await store.read(jobs[1] ?? ""))?.value).toBe(T1 + 1);
  });

  it("refuses a watermark that is not a time, and one stored in a shape it did not write", async () => {
    await expect(store.write("nan", Number.NaN, undefined)).rejects.toMatchObject({
      name: "TableStoreError",
      transient: false,
    });
    await client.createEntity({ partitionKey: CHECKPOINT_PARTITION, rowKey: "text", Watermark: "yesterday" });
    const failure = await store.read("text").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TableStoreError);
    expect((failure as Error).message).toContain('to hold a datetime Watermark, found "yesterday"');
  });
});
