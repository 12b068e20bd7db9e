/** A property value this app writes to Table Storage: strings, numbers (Int32 or Double) and datetimes. */
export type TableValue = string | number | Date;

/**
 * An entity as the app builds it before the SDK sees it: the two keys and flat, typed properties. Kept free of SDK
 * types so the size and truncation rules can be tested as pure functions.
 */
export interface TableRow {
  partitionKey: string;
  rowKey: string;
  [property: string]: TableValue;
}
