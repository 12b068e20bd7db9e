import { LogsIngestionClient } from "@azure/monitor-ingestion";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { LogsIngestionSink } from "../../../../lib/adapters/azure/LogsIngestionSink.js";
import {
  type IngestionServer,
  startIngestionServer,
} from "../../../../tools/doubles/startIngestionServer.js";
import { staticTokenCredential } from "../../../../tools/doubles/staticTokenCredential.js";
import { aRecord, someRecords } from "./tables/aRecord.js";

const RULE = "dcr-0123456789abcdef0123456789abcdef";
const STREAM = "Custom-WebShellEnrichment_CL";

describe("LogsIngestionSink against the ingestion double", () => {
  let server: IngestionServer;
  let sink: LogsIngestionSink;
  beforeAll(async () => {
    server = await startIngestionServer({ streams: [STREAM] });
    const client = new LogsIngestionClient(server.endpoint, staticTokenCredential(), {
      ...server.clientOptions,
      retryOptions: { maxRetries: 2, retryDelayInMs: 10, maxRetryDelayInMs: 50 },
    });
    sink = new LogsIngestionSink(client, RULE, STREAM);
  });
  afterAll(() => server.close());

  it("writes every record, and names the records of a refused chunk with the service's reason", async () => {
    expect(await sink.upload([aRecord], { timeoutMs: 10_000 })).toEqual({ failed: [] });
    server.faults.push({
      kind: "reject",
      status: 400,
      error: { code: "InvalidContent", message: "bad row" },
    });
    const records = someRecords(3, "refused");
    expect(await sink.upload(records, { timeoutMs: 10_000 })).toEqual({
      failed: [{ recordIds: records.map((record) => record.RecordId), reason: "400 bad row" }],
    });
  });

  it("gives up at its timeout, reporting the unanswered records as not written", async () => {
    server.faults.push({ kind: "slow", delayMs: 5_000 }, { times: Infinity });
    const records = someRecords(2, "slow");
    const started = performance.now();
    const result = await sink.upload(records, { timeoutMs: 300 });
    server.faults.clear();
    expect(result.failed).toEqual([
      {
        recordIds: records.map((record) => record.RecordId),
        reason: "aborted after 300 ms: the run's time budget ran out during the upload",
      },
    ]);
    // The 5 s answer was not waited for.
    expect(performance.now() - started).toBeLessThan(4_000);
  });
});
