import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTableClient } from "../../../../../lib/adapters/azure/tables/createTableClient.js";
import { TableCheckpointStore } from "../../../../../lib/adapters/azure/tables/TableCheckpointStore.js";
import { TableRecordLedger } from "../../../../../lib/adapters/azure/tables/TableRecordLedger.js";
import { TableStoreError } from "../../../../../lib/core/errors.js";
import { type Azurite, startAzurite } from "../../../../../tools/doubles/startAzurite.js";
import { someRecords } from "./aRecord.js";

const FAST_RETRIES = { maxRetries: 1, retryDelayInMs: 10, maxRetryDelayInMs: 20 };
const CLAIMED_AT = Date.parse("2026-11-20T13:22:00Z");

describe("TableRecordLedger while Azurite is down (data on disk)", () => {
  let azurite: Azurite;
  beforeAll(async () => {
    azurite = await startAzurite({ persistence: "disk" });
  });
  afterAll(() => azurite.stop());

  it("throws transient TableStoreErrors while the service is unreachable, and works on the same data after a restart", async () => {
    const client = createTableClient(
      { connectionString: azurite.connectionString, tableName: "WebShellEnrichment" },
      FAST_RETRIES,
    );
    const ledger = new TableRecordLedger(client);
    const checkpoints = new TableCheckpointStore(client);
    await ledger.ensureTable();
    const records = someRecords(20, "before-outage");
    const later = someRecords(5, "after-outage");
    await ledger.claim(records, CLAIMED_AT);
    const watermark = await checkpoints.write("enrich-timer", CLAIMED_AT, undefined);

    await azurite.stop();
    const failures = await Promise.all([
      ledger.claim(later, CLAIMED_AT).catch((error: unknown) => error),
      ledger.lookup([records[0]?.RecordId ?? ""]).catch((error: unknown) => error),
      ledger.markIngested(records, CLAIMED_AT).catch((error: unknown) => error),
      checkpoints.read("enrich-timer").catch((error: unknown) => error),
    ]);
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(TableStoreError);
      expect(failure).toMatchObject({ transient: true, cause: { code: "ECONNREFUSED" } });
    }
    expect((failures[0] as Error).message).toMatch(
      /^Claiming \d records in partition record-. of table WebShellEnrichment failed: /,
    );

    await azurite.restart();
    const states = await ledger.lookup(records.map((record) => record.RecordId));
    expect(states.size).toBe(20);
    expect(await checkpoints.read("enrich-timer")).toEqual(watermark);
    expect((await ledger.claim([...records, ...later], CLAIMED_AT + 1)).size).toBe(5);
    await ledger.markIngested(records, CLAIMED_AT + 2);
    expect((await ledger.lookup([records[0]?.RecordId ?? ""])).get(records[0]?.RecordId ?? "")).toEqual({
      state: "ingested",
      at: CLAIMED_AT + 2,
    });
  });
});
