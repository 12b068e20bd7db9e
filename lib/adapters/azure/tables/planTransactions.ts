import { estimateRequestBytes, TABLE_LIMITS, type TableLimits, type TableRow } from "./tableLimits.js";

/** The entities of one entity group transaction: one PartitionKey, within the action and size limits. */
export interface TransactionBatch {
  partitionKey: string;
  rows: TableRow[];
}

// Multipart framing and the request line of one action inside a transaction body.
const ACTION_OVERHEAD_BYTES = 1024;

/**
 * Groups entities into transactions: by PartitionKey (a transaction may not span two), at most 100 actions each,
 * and at most ~3.5 MiB of request body each (the service refuses bodies over 4 MiB). Returns one list of batches
 * per partition, in first-seen order, so partitions can run in parallel and a partition's batches in sequence.
 */
export function planTransactions(
  rows: readonly TableRow[],
  limits: Pick<TableLimits, "maxTransactionActions" | "transactionBudgetBytes"> = TABLE_LIMITS,
): TransactionBatch[][] {
  const partitions = new Map<string, TransactionBatch[]>();
  const sizes = new Map<TransactionBatch, number>();
  for (const row of rows) {
    const batches = partitions.get(row.partitionKey) ?? [];
    partitions.set(row.partitionKey, batches);
    const bytes = estimateRequestBytes(row) + ACTION_OVERHEAD_BYTES;
    let batch = batches.at(-1);
    if (
      batch === undefined ||
      batch.rows.length >= limits.maxTransactionActions ||
      (sizes.get(batch) ?? 0) + bytes > limits.transactionBudgetBytes
    ) {
      batch = { partitionKey: row.partitionKey, rows: [] };
      batches.push(batch);
    }
    batch.rows.push(row);
    sizes.set(batch, (sizes.get(batch) ?? 0) + bytes);
  }
  return [...partitions.values()];
}
