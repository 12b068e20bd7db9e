import { afterEach, describe, expect, it } from "vitest";

import { createTableClient } from "../../lib/adapters/azure/tables/createTableClient.js";
import { TableCheckpointStore } from "../../lib/adapters/azure/tables/TableCheckpointStore.js";
import { TableRecordLedger } from "../../lib/adapters/azure/tables/TableRecordLedger.js";
import type { WorkspaceQuery } from "../../lib/job/ports.js";
import { type SlowProxy, startSlowProxy } from "../../tools/doubles/startSlowProxy.js";
import { type AzureHarness, startAzureHarness } from "../functions/azureHarness.js";
import { buildFaultData } from "./buildFaultData.js";

// "runs never exceed their time budget" (docs/design.md §6.6: "every step takes its time from what is left
// when it starts, so several slow steps cannot add up past the budget"). Queries and the upload take their time from
// the run's Deadline; the Table Storage calls before the upload (the ledger lookup, the claim, a takeover) and the
// checkpoint reads and writes do not: they have no abort signal and no client timeout, only the SDK's retries.
// Azure Table Storage answers a busy partition slowly (its server timeout is 30 s per operation, 500 OperationTimedOut
// after it, which the SDK retries), and a half-open connection never answers at all. Here Azurite's answers are held
// back by a forwarder once the run has started its queries, on the real wall clock (the harness's clock is frozen
// otherwise, and a frozen clock never spends a budget).

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
  // Expected: the run ends within its budget plus the same few seconds of margin the query-timeout case allows
  // (test/reliability/faults.test.ts: 6 s + 4 s), stopping cleanly before the window. Actual: the ledger lookup and the
  // claim each wait the full 12 s; the run ends after about 24 s, four times its budget. With the production budget
  // (PT8M) and a 10-minute function timeout, two such calls of 4 tries × 30 s each already pass the timeout, and the
  // host kills the invocation instead of the run stopping cleanly.
  it.fails(
    "the ledger's lookup and claim are not bounded by the run's deadline",
    async () => {
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
    },
    90_000,
  );
});
