import { createRecordFormatter, type RecordFormat } from "../../lib/adapters/cli/output/formatRecords.js";
import type { EnrichmentRecord } from "../../lib/core/records/EnrichmentRecord.js";

/** A few records in an output format, as one text: what the command writes for them, for tests to read. */
export function formatText(
  records: readonly EnrichmentRecord[],
  format: RecordFormat,
  width?: number,
): string {
  const formatter = createRecordFormatter(format, width);
  return formatter.start() + records.map((record) => formatter.record(record)).join("") + formatter.end();
}
