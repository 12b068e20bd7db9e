/**
 * Table Storage limits the adapters stay within
 * (https://learn.microsoft.com/rest/api/storageservices/understanding-the-table-service-data-model,
 * https://learn.microsoft.com/rest/api/storageservices/performing-entity-group-transactions).
 */
export const TABLE_LIMITS: TableLimits = {
  /** A string property holds at most 64 KiB of UTF-16: 32,768 code units (Azurite checks the same). */
  maxStringChars: 32_768,
  /**
   * The service's limit is 1 MiB per entity; the estimate of {@link estimateEntityBytes} is kept under ~950 KB so
   * that the service's own accounting (which we can only approximate) never tips a record over.
   */
  entityBudgetBytes: 950 * 1024,
  /** A string is never shrunk below this many characters to make an entity fit while others can still give. */
  shrinkFloorChars: 1024,
  /** An entity group transaction holds at most 100 actions on one PartitionKey. */
  maxTransactionActions: 100,
  /** A transaction's request body is at most 4 MiB; leave room for the multipart framing. */
  transactionBudgetBytes: 3.5 * 1024 * 1024,
};

/** The limits as numbers, so tests can pass small ones. */
export interface TableLimits {
  readonly maxStringChars: number;
  readonly entityBudgetBytes: number;
  readonly shrinkFloorChars: number;
  readonly maxTransactionActions: number;
  readonly transactionBudgetBytes: number;
}
