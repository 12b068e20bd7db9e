import type { TableRow, TableValue } from "./TableRow.js";

// The system Timestamp property every entity carries: 8 + 2 × "Timestamp".length + 8.
const TIMESTAMP_BYTES = 34;

/**
 * The stored size of an entity by the service's published formula: 4 bytes + the keys as UTF-16 + for each
 * property 8 bytes + its name as UTF-16 + its value (strings 2 bytes a code unit + 4, Int32 4, Double and DateTime
 * 8). This is what the 1 MiB entity limit is measured against.
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
  if (typeof value === "number" && Number.isInteger(value) && Math.abs(value) < 2 ** 31) return 4;
  return 8;
}
