import type { TableClient } from "@azure/data-tables";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTableClient } from "../../../../../lib/adapters/azure/tables/createTableClient.js";
import { TableCheckpointStore } from "../../../../../lib/adapters/azure/tables/TableCheckpointStore.js";
import { TableRecordLedger } from "../../../../../lib/adapters/azure/tables/TableRecordLedger.js";
import { toLedgerKey } from "../../../../../lib/adapters/azure/tables/toLedgerEntity.js";
import { TableStoreError } from "../../../../../lib/core/errors.js";
import { computeRecordId } from "../../../../../lib/core/records/computeRecordId.js";
import type { EnrichmentRecord } from "../../../../../lib/core/records/EnrichmentRecord.js";
import { summaryOf } from "../../../../../lib/core/records/mergeCopies.js";
import { type Azurite, startAzurite } from "../../../../../tools/doubles/startAzurite.js";
import { aCompatRecord, aRecord, someRecords } from "./aRecord.js";
import { expectEntityToHold } from "./expectEntityToHold.js";

const FAST_RETRIES = { maxRetries: 1, retryDelayInMs: 10, maxRetryDelayInMs: 20 };
const CLAIMED_AT = Date.parse("2026-11-20T13:22:00.123Z");
const INGESTED_AT = Date.parse("2026-11-20T13:22:04.567Z");
const MARKER = /…\[truncated (\d+) chars\]$/;

describe("TableRecordLedger on Azurite", () => {
  let azurite: Azurite;
  let tables = 0;
  beforeAll(async () => {
    azurite = await startAzurite();
  });
  afterAll(() => azurite.stop());

  /** A ledger over a new, empty table, so tests do not see each other's records. */
  async function freshLedger(): Promise<{ ledger: TableRecordLedger; client: TableClient }> {
    const client = createTableClient(
      { connectionString: azurite.connectionString, tableName: `Ledger${++tables}` },
      FAST_RETRIES,
    );
    const ledger = new TableRecordLedger(client);
    await ledger.ensureTable();
    return { ledger, client };
  }

  async function readEntity(client: TableClient, record: EnrichmentRecord): Promise<Record<string, unknown>> {
    const { partitionKey, rowKey } = toLedgerKey(record.RecordId);
    return client.getEntity(partitionKey, rowKey);
  }

  it("ensures the table twice without complaint", async () => {
    const { ledger } = await freshLedger();
    await expect(ledger.ensureTable()).resolves.toBeUndefined();
  });

  it("claims, looks up and marks ingested 250 records across all 16 partitions, every column read back", async () => {
    const { ledger, client } = await freshLedger();
    const records = [...someRecords(249), aCompatRecord];
    const ids = records.map((record) => record.RecordId);

    const claimed = await ledger.claim(records, CLAIMED_AT);
    expect([...claimed].sort()).toEqual([...ids].sort());

    const unknown = computeRecordId(["never", "claimed"]);
    const pending = await ledger.lookup([...ids, unknown]);
    expect(pending.size).toBe(250);
    expect(pending.has(unknown)).toBe(false);
    for (const record of records)
      expect(pending.get(record.RecordId)).toEqual({
        state: "pending",
        since: CLAIMED_AT,
        etag: expect.any(String),
        summary: summaryOf(record),
      });

    await ledger.markIngested(records, INGESTED_AT);

    const sample = ids.filter((_, index) => index % 10 === 0);
    const ingested = await ledger.lookup(sample);
    for (const record of records.filter((candidate) => sample.includes(candidate.RecordId)))
      expect(ingested.get(record.RecordId)).toEqual({
        state: "ingested",
        at: INGESTED_AT,
        etag: expect.any(String),
        summary: summaryOf(record),
      });
    const partitions = new Set<string>();
    let count = 0;
    for await (const entity of client.listEntities<Record<string, unknown>>()) {
      count++;
      partitions.add(entity.partitionKey ?? "");
      const record = records.find((candidate) => candidate.RecordId === entity.rowKey);
      expect(record, `entity ${entity.rowKey} is one of the records`).toBeDefined();
      if (record === undefined) continue;
      expectEntityToHold(entity, record);
      expect(entity.LedgerState).toBe("ingested");
      expect(entity.IngestedAt).toEqual(new Date(INGESTED_AT));
      expect(entity.PendingSince).toBeUndefined();
    }
    expect(count).toBe(250);
    expect(partitions.size).toBe(16);
  });

  it("claims nothing the second time and leaves the first claim's entities as they were", async () => {
    const { ledger, client } = await freshLedger();
    const records = someRecords(40);
    expect((await ledger.claim(records, CLAIMED_AT)).size).toBe(40);

    const changed = records.map((record) => ({ ...record, ProcessCommandLine: "cmd.exe /c changed" }));
    const second = await ledger.claim(changed, CLAIMED_AT + 60_000);

    expect(second.size).toBe(0);
    for (const record of records) {
      const entity = await readEntity(client, record);
      expectEntityToHold(entity, record);
      expect(entity.PendingSince).toEqual(new Date(CLAIMED_AT));
    }
  });

  it("claims only the new records of a set that overlaps an earlier claim (transaction refused, then one by one)", async () => {
    const { ledger } = await freshLedger();
    const records = someRecords(60);
    await ledger.claim(records.slice(0, 20), CLAIMED_AT);

    const claimed = await ledger.claim(records, CLAIMED_AT + 1000);

    expect([...claimed].sort()).toEqual(
      records
        .slice(20)
        .map((record) => record.RecordId)
        .sort(),
    );
    const states = await ledger.lookup(records.map((record) => record.RecordId));
    for (const [index, record] of records.entries()) {
      expect(states.get(record.RecordId)).toMatchObject({
        state: "pending",
        since: index < 20 ? CLAIMED_AT : CLAIMED_AT + 1000,
      });
    }
  });

  it("gives every record to exactly one of two runs claiming overlapping sets at the same time", async () => {
    const { ledger } = await freshLedger();
    const other = new TableRecordLedger(
      createTableClient(
        { connectionString: azurite.connectionString, tableName: `Ledger${tables}` },
        FAST_RETRIES,
      ),
    );
    const records = someRecords(120, "overlap");
    const [first, second] = await Promise.all([
      ledger.claim(records.slice(0, 80), CLAIMED_AT),
      other.claim(records.slice(40), CLAIMED_AT + 1),
    ]);

    const both = [...first].filter((id) => second.has(id));
    expect(both).toEqual([]);
    expect(new Set([...first, ...second]).size).toBe(120);
    const states = await ledger.lookup(records.map((record) => record.RecordId));
    for (const id of first) expect(states.get(id)).toMatchObject({ state: "pending", since: CLAIMED_AT });
    for (const id of second)
      expect(states.get(id)).toMatchObject({ state: "pending", since: CLAIMED_AT + 1 });
  });

  it("claims a record twice in one call only once", async () => {
    const { ledger } = await freshLedger();
    const claimed = await ledger.claim([aRecord, { ...aRecord, ProcessId: "other" }], CLAIMED_AT);
    expect([...claimed]).toEqual([aRecord.RecordId]);
  });

  it("stores a record with a 1 MB command line and huge evidence, truncated with markers, and marks it ingested", async () => {
    const { ledger, client } = await freshLedger();
    const command = `powershell.exe -nop -enc ${"SQBFAFgA".repeat(131_072)}`;
    const evidence = Array.from({ length: 400 }, (_, i) => ({
      ...(aRecord.Evidence[0] as EnrichmentRecord["Evidence"][number]),
      uriQuery: `cmd=${"%41".repeat(2000)}&n=${i}`,
    }));
    const big = { ...aRecord, ProcessCommandLine: command, Evidence: evidence };
    const hostile = {
      ...aCompatRecord,
      ProcessCommandLine: "\u0001".repeat(1_048_576),
      AlertName: "😀".repeat(600_000),
      HostName: "\u0000\u001f".repeat(300_000),
    };

    const claimed = await ledger.claim([big, hostile], CLAIMED_AT);

    expect([...claimed].sort()).toEqual([big.RecordId, hostile.RecordId].sort());
    const stored = await readEntity(client, big);
    const storedCommand = stored.ProcessCommandLine as string;
    expect(storedCommand.length).toBeLessThanOrEqual(32_768);
    expect(command.startsWith(storedCommand.replace(MARKER, ""))).toBe(true);
    expect(Number(MARKER.exec(storedCommand)?.[1])).toBe(
      command.length - storedCommand.replace(MARKER, "").length,
    );
    expect(stored.Evidence as string).toMatch(MARKER);
    expect(stored.HostName).toBe("web01");
    const storedHostile = await readEntity(client, hostile);
    expect(storedHostile.AlertName as string).toMatch(MARKER);
    expect((storedHostile.AlertName as string).startsWith("😀😀")).toBe(true);

    await ledger.markIngested([big, hostile], INGESTED_AT);
    const states = await ledger.lookup([big.RecordId, hostile.RecordId]);
    expect(states.get(big.RecordId)).toMatchObject({ state: "ingested", at: INGESTED_AT });
    expect(states.get(hostile.RecordId)).toMatchObject({ state: "ingested", at: INGESTED_AT });
  });

  it("throws a permanent TableStoreError naming the partition and count when the service refuses a claim", async () => {
    const { ledger } = await freshLedger();
    // Keys are limited to 1 KiB: a 2,000-character id makes the whole transaction fail with 400 InvalidInput.
    const records = [
      { ...aRecord, RecordId: `a${"0".repeat(1999)}` },
      { ...aRecord, RecordId: "a1" },
      { ...aRecord, RecordId: "a2" },
    ];

    const failure = await ledger.claim(records, CLAIMED_AT).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(TableStoreError);
    expect(failure).toMatchObject({ transient: false, cause: { statusCode: 400, code: "InvalidInput" } });
    expect((failure as Error).message).toMatch(
      /^Claiming 3 records in partition record-a of table Ledger\d+ failed: 400 InvalidInput: 0:/,
    );
    expect(await ledger.lookup(["a1", "a2"])).toEqual(new Map());
  });

  it("refuses to guess a ledger state it did not write", async () => {
    const { ledger, client } = await freshLedger();
    await client.createEntity({ ...toLedgerKey(aRecord.RecordId), LedgerState: "archived" });

    await expect(ledger.lookup([aRecord.RecordId])).rejects.toMatchObject({
      name: "TableStoreError",
      transient: false,
      message: expect.stringContaining(`ledger entry of record ${aRecord.RecordId}`) as unknown,
    });
  });

  it("does not call the service for empty inputs", async () => {
    const { ledger } = await freshLedger();
    expect(await ledger.lookup([])).toEqual(new Map());
    expect(await ledger.claim([], CLAIMED_AT)).toEqual(new Set());
    expect(await ledger.takeOver([], CLAIMED_AT)).toEqual(new Set());
    await expect(ledger.markIngested([], INGESTED_AT)).resolves.toBeUndefined();
    await expect(ledger.markAbandoned([], INGESTED_AT)).resolves.toBeUndefined();
  });

  it("lets exactly one of two ledgers take a stale record over on the ETag both read, keeping its columns", async () => {
    const { ledger, client } = await freshLedger();
    const other = new TableRecordLedger(
      createTableClient(
        { connectionString: azurite.connectionString, tableName: `Ledger${tables}` },
        FAST_RETRIES,
      ),
    );
    const records = someRecords(40, "takeover");
    await ledger.claim(records, CLAIMED_AT);
    const ids = records.map((record) => record.RecordId);
    const read = await ledger.lookup(ids);
    const claims = ids.map((recordId) => ({ recordId, etag: read.get(recordId)!.etag }));

    const [first, second] = await Promise.all([
      ledger.takeOver(claims, CLAIMED_AT + 60_000),
      other.takeOver(claims, CLAIMED_AT + 60_001),
    ]);

    expect([...first].filter((id) => second.has(id))).toEqual([]);
    expect(new Set([...first, ...second]).size).toBe(40);
    const after = await ledger.lookup(ids);
    for (const id of first)
      expect(after.get(id)).toMatchObject({ state: "pending", since: CLAIMED_AT + 60_000 });
    for (const id of second)
      expect(after.get(id)).toMatchObject({ state: "pending", since: CLAIMED_AT + 60_001 });
    expectEntityToHold(await readEntity(client, records[0]!), records[0]!);
    // The ETags read before are spent: a third takeover on them gets nothing.
    expect(await ledger.takeOver(claims, CLAIMED_AT + 120_000)).toEqual(new Set());
  });

  it("takes an ingested record over on its ETag with the copy to send, which a later lookup and read show", async () => {
    const { ledger, client } = await freshLedger();
    const [delivered] = someRecords(1, "revise");
    const eventsOnly = {
      ...delivered!,
      SystemAlertId: "",
      AlertName: "",
      AlertTime: null,
      ProcessSource: "DeviceProcessEvents",
    };
    await ledger.claim([eventsOnly], CLAIMED_AT);
    await ledger.markIngested([eventsOnly], INGESTED_AT);
    const read = (await ledger.lookup([eventsOnly.RecordId])).get(eventsOnly.RecordId)!;
    expect(read.summary).toEqual(summaryOf(eventsOnly));

    const revised = { ...delivered!, ProcessSource: "SecurityAlert,DeviceProcessEvents" };
    const claim = { recordId: revised.RecordId, etag: read.etag, replaceWith: revised };
    expect(await ledger.takeOver([claim], INGESTED_AT + 1000)).toEqual(new Set([revised.RecordId]));
    expect((await ledger.lookup([revised.RecordId])).get(revised.RecordId)).toMatchObject({
      state: "pending",
      since: INGESTED_AT + 1000,
      summary: summaryOf(revised),
    });
    expectEntityToHold(await readEntity(client, revised), revised);
    // The ETag read is spent: a second run taking it over with it gets nothing.
    expect(await ledger.takeOver([claim], INGESTED_AT + 2000)).toEqual(new Set());
  });

  it("marks taken-over records abandoned with their reason, and a later lookup says so", async () => {
    const { ledger, client } = await freshLedger();
    const records = someRecords(3, "abandon");
    await ledger.claim(records, CLAIMED_AT);
    await ledger.markAbandoned(
      records.map((record) => ({ recordId: record.RecordId, reason: `superseded: ${record.RecordId}` })),
      INGESTED_AT,
    );
    const states = await ledger.lookup(records.map((record) => record.RecordId));
    for (const record of records) {
      expect(states.get(record.RecordId)).toEqual({
        state: "abandoned",
        at: INGESTED_AT,
        reason: `superseded: ${record.RecordId}`,
        etag: expect.any(String),
        summary: summaryOf(record),
      });
      expectEntityToHold(await readEntity(client, record), record);
    }
  });

  it("lists the records pending since a time or earlier, with their ETags and every column read back", async () => {
    const { ledger } = await freshLedger();
    const old = someRecords(30, "old");
    const young = someRecords(5, "young");
    const done = someRecords(5, "done");
    await ledger.claim([...old, ...done], CLAIMED_AT);
    await ledger.claim(young, CLAIMED_AT + 60_000);
    await ledger.markIngested(done, INGESTED_AT);

    const stale = await ledger.listStalePending(CLAIMED_AT, 100);

    expect(stale.map((entry) => entry.recordId).sort()).toEqual(old.map((record) => record.RecordId).sort());
    for (const entry of stale) {
      expect(entry).toMatchObject({ since: CLAIMED_AT, etag: expect.any(String) });
      expect(entry.record).toEqual(old.find((record) => record.RecordId === entry.recordId));
      expect(entry.problem).toBeUndefined();
    }
    expect(await ledger.listStalePending(CLAIMED_AT, 7)).toHaveLength(7);
    expect(await ledger.listStalePending(CLAIMED_AT - 1, 100)).toEqual([]);
  });

  it("lists ingested records not yet confirmed by the time they were marked, and not once confirmed", async () => {
    const { ledger } = await freshLedger();
    const early = someRecords(12, "early");
    const late = someRecords(3, "late");
    const pending = someRecords(2, "pending");
    await ledger.claim([...early, ...late, ...pending], CLAIMED_AT);
    await ledger.markIngested(early, INGESTED_AT);
    await ledger.markIngested(late, INGESTED_AT + 60_000);

    const listed = await ledger.listUnconfirmed(INGESTED_AT, 100);
    expect(listed.map((entry) => entry.recordId).sort()).toEqual(
      early.map((record) => record.RecordId).sort(),
    );
    for (const entry of listed) {
      expect(entry.etag).toEqual(expect.any(String));
      expect(entry.record).toEqual(early.find((record) => record.RecordId === entry.recordId));
    }
    expect(await ledger.listUnconfirmed(INGESTED_AT, 5)).toHaveLength(5);

    await ledger.markConfirmed(
      early.slice(0, 10).map((record) => record.RecordId),
      INGESTED_AT + 120_000,
    );
    const left = await ledger.listUnconfirmed(INGESTED_AT + 60_000, 100);
    expect(left.map((entry) => entry.recordId).sort()).toEqual(
      [...early.slice(10), ...late].map((record) => record.RecordId).sort(),
    );
    // Confirming changes no state: the record stays ingested, and marking it ingested again unconfirms it.
    expect((await ledger.lookup([early[0]!.RecordId])).get(early[0]!.RecordId)).toMatchObject({
      state: "ingested",
    });
    await ledger.markIngested([early[0]!], INGESTED_AT + 180_000);
    expect(
      (await ledger.listUnconfirmed(INGESTED_AT + 180_000, 100)).map((entry) => entry.recordId),
    ).toContain(early[0]!.RecordId);
  });

  it("lists a stale record whose evidence was cut to fit, rebuilt with empty evidence and the reason", async () => {
    const { ledger } = await freshLedger();
    const evidence = Array.from({ length: 400 }, (_, i) => ({
      ...(aRecord.Evidence[0] as EnrichmentRecord["Evidence"][number]),
      uriQuery: `cmd=${"%41".repeat(2000)}&n=${i}`,
    }));
    await ledger.claim([{ ...aRecord, Evidence: evidence }], CLAIMED_AT);
    const [entry] = await ledger.listStalePending(CLAIMED_AT, 10);
    expect(entry?.record).toEqual({ ...aRecord, Evidence: [] });
    expect(entry?.problem).toBe("Evidence cut to fit Table Storage, resent empty");
  });
});

const OUTAGE_CLAIMED_AT = Date.parse("2026-11-20T13:22:00Z");

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
    await ledger.claim(records, OUTAGE_CLAIMED_AT);
    const watermark = await checkpoints.write("enrich-timer", OUTAGE_CLAIMED_AT, undefined);

    await azurite.stop();
    const failures = await Promise.all([
      ledger.claim(later, OUTAGE_CLAIMED_AT).catch((error: unknown) => error),
      ledger.lookup([records[0]?.RecordId ?? ""]).catch((error: unknown) => error),
      ledger.markIngested(records, OUTAGE_CLAIMED_AT).catch((error: unknown) => error),
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
    expect((await ledger.claim([...records, ...later], OUTAGE_CLAIMED_AT + 1)).size).toBe(5);
    await ledger.markIngested(records, OUTAGE_CLAIMED_AT + 2);
    expect((await ledger.lookup([records[0]?.RecordId ?? ""])).get(records[0]?.RecordId ?? "")).toMatchObject(
      {
        state: "ingested",
        at: OUTAGE_CLAIMED_AT + 2,
      },
    );
  });
});
