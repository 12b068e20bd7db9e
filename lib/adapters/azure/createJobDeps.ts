import { DefaultAzureCredential, type TokenCredential } from "@azure/identity";
import { LogsIngestionClient } from "@azure/monitor-ingestion";
import { LogsQueryClient } from "@azure/monitor-query-logs";

import type { AppConfig } from "../../job/config/AppConfig.js";
import type { JobDeps } from "../../job/ports.js";
import { LogAnalyticsWorkspace } from "./LogAnalyticsWorkspace.js";
import { LogsIngestionSink } from "./LogsIngestionSink.js";
import { createTableClient } from "./tables/createTableClient.js";
import { TableCheckpointStore } from "./tables/TableCheckpointStore.js";
import { TableRecordLedger } from "./tables/TableRecordLedger.js";

/** Options for the SDK clients' pipelines (tests point them at local HTTPS doubles and trust their certificate). */
export interface ClientOverrides {
  credential?: TokenCredential;
  /** Spread into both Log Analytics clients' options (e.g. `tlsOptions`). */
  pipeline?: Record<string, unknown>;
  /** Retry options of the query and ingestion clients. */
  retryOptions?: { maxRetries: number; retryDelayInMs: number; maxRetryDelayInMs: number };
}

// The SDKs already retry 429 (honouring Retry-After), 408, 5xx and network errors with exponential back-off. Four
// tries with delays capped at 20 s keep a throttled window inside the run's time budget (ENRICH_TIME_BUDGET) and
// the function timeout (host.json), instead of the SDK default that can wait much longer.
const RETRY_OPTIONS = { maxRetries: 4, retryDelayInMs: 1000, maxRetryDelayInMs: 20_000 };

/**
 * The composition root's Azure half: one credential and one client per service, built once per instance from the
 * validated configuration, wrapped in the job's ports. Managed identity in Azure (`DefaultAzureCredential` picks
 * the user-assigned identity named by `AZURE_CLIENT_ID`), a developer's login locally.
 */
export async function createJobDeps(
  config: AppConfig,
  overrides: ClientOverrides = {},
): Promise<Omit<JobDeps, "log" | "now">> {
  const credential = overrides.credential ?? new DefaultAzureCredential();
  const retryOptions = overrides.retryOptions ?? RETRY_OPTIONS;
  const pipeline = { ...overrides.pipeline, retryOptions };
  const query = new LogsQueryClient(credential, { ...pipeline, endpoint: config.logAnalytics.endpoint });
  const ingestion = new LogsIngestionClient(config.ingestion.endpoint, credential, pipeline);
  const tableClient = createTableClient(
    config.table.connectionString !== undefined
      ? { connectionString: config.table.connectionString, tableName: config.table.tableName }
      : { endpoint: config.table.endpoint ?? "", credential, tableName: config.table.tableName },
  );
  const ledger = new TableRecordLedger(tableClient);
  await ledger.ensureTable();
  return {
    config,
    workspace: new LogAnalyticsWorkspace(query, config.logAnalytics.workspaceId, retryOptions.maxRetries + 1),
    ingestion: new LogsIngestionSink(ingestion, config.ingestion.ruleId, config.ingestion.stream),
    ledger,
    checkpoints: new TableCheckpointStore(tableClient),
  };
}
