import { odata, TableClient, TableServiceClient, type TransactionAction } from "@azure/data-tables";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { type Azurite, startAzurite } from "../../../tools/doubles/startAzurite.js";

const FAST_RETRIES = { maxRetries: 2, retryDelayInMs: 5, maxRetryDelayInMs: 20 };

function tableOf(azurite: Azurite, name: string): TableClient {
  return TableClient.fromConnectionString(azurite.connectionString, name, {
    ...azurite.clientOptions,
    retryOptions: FAST_RETRIES,
  });
}

describe("startAzurite driven by TableClient (in memory)", () => {
  let azurite: Azurite;
  beforeAll(async () => {
    azurite = await startAzurite();
  });
  afterAll(() => azurite.stop());

  it("serves the devstoreaccount1 connection string on a random loopback port", () => {
    expect(azurite.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/);
    expect(azurite.port).not.toBe(10002);
    expect(azurite.connectionString).toContain(`TableEndpoint=${azurite.endpoint};`);
  });

  it("creates a table, upserts and reads back entities, and lists them by partition", async () => {
    const table = tableOf(azurite, "Records");
    await table.createTable();
    await table.upsertEntity({
      partitionKey: "p1",
      rowKey: "a",
      Count: 1,
      Big: { value: "9007199254740993", type: "Int64" },
    });
    await table.upsertEntity({ partitionKey: "p1", rowKey: "b", Count: 2 });
    await table.upsertEntity({ partitionKey: "p2", rowKey: "c", Count: 3 });

    const entity = await table.getEntity<{ Count: number; Big: bigint }>("p1", "a");
    expect(entity.Count).toBe(1);
    expect(entity.Big).toBe(9007199254740993n);
    expect(entity.etag).toMatch(/^W\/"datetime'/);
    const listed: string[] = [];
    for await (const row of table.listEntities({
      queryOptions: { filter: odata`PartitionKey eq ${"p1"}` },
    })) {
      listed.push(row.rowKey ?? "");
    }
    expect(listed).toEqual(["a", "b"]);
  });

  it("commits a transaction of 100 actions in one partition, all or nothing", async () => {
    const table = tableOf(azurite, "Batch");
    await table.createTable();
    const actions: TransactionAction[] = Array.from({ length: 100 }, (_, i) => [
      "upsert",
      { partitionKey: "batch", rowKey: String(i).padStart(3, "0"), Index: i },
    ]);

    const response = await table.submitTransaction(actions);

    expect(response.status).toBe(202);
    expect(response.subResponses).toHaveLength(100);
    const rowKeys: string[] = [];
    for await (const row of table.listEntities()) rowKeys.push(row.rowKey ?? "");
    expect(rowKeys).toHaveLength(100);

    const failing: TransactionAction[] = [
      ["create", { partitionKey: "batch", rowKey: "new" }],
      ["create", { partitionKey: "batch", rowKey: "000" }],
    ];
    await expect(table.submitTransaction(failing)).rejects.toMatchObject({ statusCode: 409 });
    await expect(table.getEntity("batch", "new")).rejects.toMatchObject({ statusCode: 404 });
  });

  it("starts empty again after a restart when the data lived in memory", async () => {
    const own = await startAzurite();
    try {
      await tableOf(own, "Gone").createTable();
      await own.restart();
      const service = TableServiceClient.fromConnectionString(own.connectionString, own.clientOptions);
      const tables: string[] = [];
      for await (const table of service.listTables()) tables.push(table.name ?? "");
      expect(tables).toEqual([]);
    } finally {
      await own.stop();
    }
  });
});

describe("startAzurite with data on disk", () => {
  let azurite: Azurite;
  beforeAll(async () => {
    azurite = await startAzurite({ persistence: "disk" });
  });
  afterAll(() => azurite.stop());

  it("keeps the data across a stop and a restart on the same port, and refuses requests while stopped", async () => {
    const table = tableOf(azurite, "Watermark");
    await table.createTable();
    await table.upsertEntity({ partitionKey: "job", rowKey: "watermark", At: "2024-05-01T00:00:00Z" });
    const { port } = azurite;

    await azurite.stop();
    await expect(table.getEntity("job", "watermark")).rejects.toMatchObject({ code: "ECONNREFUSED" });
    await azurite.restart();

    expect(azurite.port).toBe(port);
    const entity = await table.getEntity<{ At: string }>("job", "watermark");
    expect(entity.At).toBe("2024-05-01T00:00:00Z");
  });
});
