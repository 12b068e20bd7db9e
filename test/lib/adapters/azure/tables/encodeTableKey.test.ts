import type { TableClient, TransactionAction } from "@azure/data-tables";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTableClient } from "../../../../../lib/adapters/azure/tables/createTableClient.js";
import { decodeTableKey, encodeTableKey } from "../../../../../lib/adapters/azure/tables/encodeTableKey.js";
import { type Azurite, startAzurite } from "../../../../../tools/doubles/startAzurite.js";

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN = /[/\\#?\u0000-\u001f\u007f-\u009f]/;
const FORBIDDEN_CHARS = ["/", "\\", "#", "?", "\u0000", "\u0009", "\u001f", "\u007f", "\u0085", "\u009f"];

// Any UTF-16 text (lone surrogates included), with the characters that need escaping made frequent.
const keyText = fc.string({
  unit: fc.oneof(
    fc.constantFrom(...FORBIDDEN_CHARS, "%", "%2F", "%25", "'", "é", "😀"),
    fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
  ),
  maxLength: 40,
});

describe("encodeTableKey", () => {
  it("escapes the characters Table Storage forbids in keys, and % itself", () => {
    expect(encodeTableKey("web/01#a?b\\c")).toBe("web%2F01%23a%3Fb%5Cc");
    expect(encodeTableKey("100%")).toBe("100%25");
    expect(encodeTableKey("tab\there\u0000\u007f\u009f")).toBe("tab%09here%00%7F%9F");
  });

  it("keeps a hex record id, spaces, quotes and non-ASCII text as they are", () => {
    expect(encodeTableKey("0f3a9c1e5b7d2a4c6e8f0a1b3c5d7e9f")).toBe("0f3a9c1e5b7d2a4c6e8f0a1b3c5d7e9f");
    expect(encodeTableKey("Job d'été 😀")).toBe("Job d'été 😀");
  });

  it("round-trips any string through decodeTableKey", () => {
    fc.assert(fc.property(keyText, (text) => decodeTableKey(encodeTableKey(text)) === text));
  });

  it("gives different keys to different strings", () => {
    fc.assert(
      fc.property(keyText, keyText, (a, b) => {
        fc.pre(a !== b);
        return encodeTableKey(a) !== encodeTableKey(b);
      }),
    );
  });

  it("never leaves a forbidden character in the key", () => {
    fc.assert(fc.property(keyText, (text) => !FORBIDDEN.test(encodeTableKey(text))));
  });
});

describe("encoded keys on Azurite", () => {
  let azurite: Azurite;
  let table: TableClient;
  beforeAll(async () => {
    azurite = await startAzurite();
    table = createTableClient(
      { connectionString: azurite.connectionString, tableName: "Keys" },
      { maxRetries: 0, retryDelayInMs: 5, maxRetryDelayInMs: 10 },
    );
    await table.createTable();
  });
  afterAll(() => azurite.stop());

  it("refuses raw forbidden characters: 400 on insert, and 500 (not 400 as Azure) for / on a read", async () => {
    await expect(table.createEntity({ partitionKey: "raw", rowKey: "a/b" })).rejects.toMatchObject({
      statusCode: 400,
    });
    await expect(table.createEntity({ partitionKey: "raw", rowKey: "a#b" })).rejects.toMatchObject({
      statusCode: 400,
    });
    await expect(table.getEntity("raw", "a/b")).rejects.toMatchObject({ statusCode: 500 });
  });

  it("stores, reads, replaces and batches entities whose encoded keys held every forbidden character", async () => {
    const keys = [...FORBIDDEN_CHARS, "%", "%2F"].map((char) => `job${char}x'y`);
    for (const key of keys) {
      const rowKey = encodeTableKey(key);
      await table.createEntity({ partitionKey: encodeTableKey(`p/${key}`), rowKey, Original: key });
      const read = await table.getEntity<{ Original: string }>(encodeTableKey(`p/${key}`), rowKey);
      expect(read.Original).toBe(key);
      expect(decodeTableKey(read.rowKey ?? "")).toBe(key);
      await table.updateEntity({ partitionKey: encodeTableKey(`p/${key}`), rowKey, N: 2 }, "Replace", {
        etag: read.etag,
      });
    }
    const partitionKey = encodeTableKey("batch#1");
    const actions = keys.map((key): TransactionAction => [
      "create",
      { partitionKey, rowKey: encodeTableKey(key) },
    ]);
    const response = await table.submitTransaction(actions);
    expect(response.status).toBe(202);
    const stored: string[] = [];
    for await (const entity of table.listEntities()) {
      if (entity.partitionKey === partitionKey) stored.push(decodeTableKey(entity.rowKey ?? ""));
    }
    expect(stored.sort()).toEqual([...keys].sort());
  });
});
