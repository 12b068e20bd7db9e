import { afterEach, describe, expect, it } from "vitest";

import { createTableClient } from "../../lib/adapters/azure/tables/createTableClient.js";
import { TableCheckpointStore } from "../../lib/adapters/azure/tables/TableCheckpointStore.js";
import { TableRecordLedger } from "../../lib/adapters/azure/tables/TableRecordLedger.js";
import type { WorkspaceQuery } from "../../lib/job/ports.js";
import { type SlowProxy, startSlowProxy } from "../../tools/doubles/startSlowProxy.js";
import { type AzureHarness, startAzureHarness } from "../functions/azureHarness.js";
import { buildFaultData } from "./buildFaultData.js";

// "Runs never exceed their time budget" (docs/design.md §6.6). Azure Table Storage answers a busy partition slowly
// (its server timeout is 30 s per operation, 500 OperationTimedOut after it, which the SDK retries), and a
// half-open connection never answers at all. Here Azurite's answers are held back by a forwarder once the run has
// started its queries, on the real wall clock (the harness's clock is frozen otherwise, and a frozen clock never
// spends a budget): the ledger's calls before the upload share what is left of the budget and are aborted with it.

const SLOW_ANSWER_MS = 12_000;
const BUDGET_MS = 6_000;

let harness: AzureHarness | undefined;
let proxy: SlowProxy | undefined;
afterEach(async () => {
  await harness?.close();
  await proxy?.close();
  harness = undefined;
  proxy = undefined;
});

describe("Table Storage that answers slowly", () => {
  // The ledger lookup and the claim would each wait the full 12 s; the run stops cleanly within its budget plus the
  // same few seconds of margin the query-timeout case allows (test/reliability/faults.test.ts: 6 s + 4 s).
  it("the ledger's lookup and claim are bounded by the run's deadline", async () => {
    const fixture = await buildFaultData();
    const h = await startAzureHarness(fixture.data, { ENRICH_TIME_BUDGET: `PT${BUDGET_MS / 1000}S` });
    harness = h;
    // The clock the run reads advances with the wall clock.
    const base = h.clock.now;
    const wallStart = Date.now();
    Object.defineProperty(h.clock, "now", { get: () => base + (Date.now() - wallStart), set: () => {} });

    const origin = /TableEndpoint=(http:\/\/[^/;]+)/.exec(h.azurite.connectionString)?.[1];
    expect(origin).toBeDefined();
    const slow = await startSlowProxy(origin!);
    proxy = slow;
    const client = createTableClient({
      connectionString: h.azurite.connectionString.replace(origin!, slow.origin),
      tableName: h.config.table.tableName,
    });
    h.deps.ledger = new TableRecordLedger(client);
    h.deps.checkpoints = new TableCheckpointStore(client);
    // Table Storage turns slow once the run is under way (after its checkpoint read).
    const workspace = h.deps.workspace;
    h.deps.workspace = {
      query: (kql, options) => {
        slow.delayMs = SLOW_ANSWER_MS;
        return workspace.query(kql, options);
      },
    } satisfies WorkspaceQuery;

    const started = Date.now();
    await h.timer().catch(() => undefined);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(BUDGET_MS + 4_000);
    expect(h.logs.join("\n")).toMatch(
      /stopped at .*too little to start the ledger's lookup, claims and takeovers/,
    );
  }, 90_000);
});
