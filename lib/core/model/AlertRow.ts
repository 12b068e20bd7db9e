/**
 * The SecurityAlert columns the engine reads, whatever the row came from (workspace query, JSON/JSONL/CSV export).
 * Times are epoch milliseconds (UTC), `undefined` when the column is empty.
 */
export interface AlertRow {
  SystemAlertId: string;
  AlertName: string;
  ProviderName: string;
  ProductName: string;
  TimeGenerated: number | undefined;
  StartTime: number | undefined;
  EndTime: number | undefined;
  CompromisedEntity: string;
  /**
   * The `Entities` column as it arrived: a JSON string (as stored in the table and in CSV exports) or an already
   * parsed value (JSON exports sometimes carry it parsed). The entity graph parser accepts both.
   */
  Entities: unknown;
  /** Where the row came from, for reports: input name and 1-based line or row number. */
  origin: { source: string; line?: number };
}
