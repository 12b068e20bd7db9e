import { TableClient } from "@azure/data-tables";
import type { TokenCredential } from "@azure/identity";

import { isTableError, toTableStoreError } from "./tableErrors.js";

/** Where the table is: the service URL with a credential (managed identity in Azure) or a connection string. */
export type TableTarget =
  | { readonly endpoint: string; readonly credential: TokenCredential; readonly tableName: string }
  | { readonly connectionString: string; readonly tableName: string };

/** The SDK's HTTP retry settings for this app's Table Storage calls. */
export interface TableRetryOptions {
  readonly maxRetries: number;
  readonly retryDelayInMs: number;
  readonly maxRetryDelayInMs: number;
}

/**
 * Why not the SDK default (3 retries from 1 s, up to 64 s apart): a run has a time budget well inside the function
 * timeout, and the job already treats a transient `TableStoreError` as "stop, keep the watermark, the next run
 * retries". So the SDK only smooths over short blips (a 503 ServerBusy, a dropped connection, a 500 on one
 * transaction): 3 retries at 0.5 s, 1 s, 2 s (capped at 5 s) give up within ~4–8 s instead of minutes.
 */
export const TABLE_RETRY_OPTIONS: TableRetryOptions = {
  maxRetries: 3,
  retryDelayInMs: 500,
  maxRetryDelayInMs: 5000,
};

/**
 * Builds the one `TableClient` the ledger and the checkpoint store share (build it once at start-up). A connection
 * string whose table endpoint is plain `http` (Azurite, `UseDevelopmentStorage=true`) is allowed over http because
 * that is what it names; the credential form is for the `https` service URL.
 *
 * @example createTableClient({ endpoint: "https://acct.table.core.windows.net", credential, tableName: "WebShellEnrichment" })
 */
export function createTableClient(
  target: TableTarget,
  retryOptions: TableRetryOptions = TABLE_RETRY_OPTIONS,
): TableClient {
  if ("connectionString" in target) {
    return TableClient.fromConnectionString(target.connectionString, target.tableName, {
      retryOptions,
      allowInsecureConnection: isHttpConnectionString(target.connectionString),
    });
  }
  return new TableClient(target.endpoint, target.tableName, target.credential, { retryOptions });
}

function isHttpConnectionString(connectionString: string): boolean {
  return (
    /(^|;)\s*UseDevelopmentStorage=true\s*(;|$)/i.test(connectionString) ||
    /(^|;)\s*TableEndpoint=http:\/\//i.test(connectionString) ||
    /(^|;)\s*DefaultEndpointsProtocol=http\s*(;|$)/i.test(connectionString)
  );
}

/**
 * Creates the client's table if it does not exist yet; an existing table (409 TableAlreadyExists, which the SDK
 * usually absorbs itself) is success. Run once at start-up, not per run.
 *
 * @throws TableStoreError when the table can be neither created nor found.
 */
export async function ensureTable(client: TableClient): Promise<void> {
  try {
    await client.createTable();
  } catch (error) {
    if (isTableError(error, 409, "TableAlreadyExists")) return;
    throw toTableStoreError(`Creating table ${client.tableName} failed`, error);
  }
}
