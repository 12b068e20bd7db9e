import type { TableClient } from "@azure/data-tables";

import { isTableError } from "./isTableError.js";
import { toTableStoreError } from "./toTableStoreError.js";

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
