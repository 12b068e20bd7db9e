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

/** A property value this app writes to Table Storage: strings, numbers (Int32 or Double), booleans and datetimes. */
export type TableValue = string | number | boolean | Date;

/**
 * An entity as the app builds it before the SDK sees it: the two keys and flat, typed properties. Kept free of SDK
 * types so the size and truncation rules can be tested as pure functions.
 */
export interface TableRow {
  partitionKey: string;
  rowKey: string;
  [property: string]: TableValue;
}

// The system Timestamp property every entity carries: 8 + 2 × "Timestamp".length + 8.
const TIMESTAMP_BYTES = 34;

/**
 * The stored size of an entity by the service's published formula: 4 bytes + the keys as UTF-16 + for each
 * property 8 bytes + its name as UTF-16 + its value (strings 2 bytes a code unit + 4, Int32 4, Boolean 1, Double and
 * DateTime 8). This is what the 1 MiB entity limit is measured against.
 */
export function estimateEntityBytes(row: TableRow): number {
  let bytes = 4 + 2 * (row.partitionKey.length + row.rowKey.length) + TIMESTAMP_BYTES;
  for (const [name, value] of Object.entries(row)) {
    if (name === "partitionKey" || name === "rowKey") continue;
    bytes += 8 + 2 * name.length + valueBytes(value);
  }
  return bytes;
}

/**
 * The size of an entity on the wire (UTF-8 JSON with the `@odata.type` annotations of datetimes), which is what a
 * transaction's 4 MiB request limit counts. Control characters cost up to 6 bytes here, so this can exceed
 * {@link estimateEntityBytes} for hostile text.
 */
export function estimateRequestBytes(row: TableRow): number {
  let annotations = 0;
  for (const [name, value] of Object.entries(row)) {
    if (value instanceof Date) annotations += name.length + 32;
  }
  return Buffer.byteLength(JSON.stringify(row), "utf8") + annotations;
}

function valueBytes(value: TableValue): number {
  if (typeof value === "string") return 2 * value.length + 4;
  if (typeof value === "boolean") return 1;
  if (typeof value === "number" && Number.isInteger(value) && Math.abs(value) < 2 ** 31) return 4;
  return 8;
}
