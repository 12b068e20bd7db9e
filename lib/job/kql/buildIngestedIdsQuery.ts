import { kqlStringList } from "./kqlLiterals.js";

/**
 * Which of these records the custom table already holds, and what each copy knows (its alert, sources and request
 * count): asked before re-sending a record the ledger left `pending` (a run that stopped between the upload and the
 * ledger update), so that it is not ingested twice, and so that a copy that knows more is not taken for one that
 * arrived (docs/design.md §6.5).
 */
export function buildIngestedIdsQuery(table: string, recordIds: readonly string[]): string {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(table))
    throw new RangeError(`not a table name: ${JSON.stringify(table)}`);
  return [
    table,
    `| where RecordId in ${kqlStringList(recordIds)}`,
    "| distinct RecordId, SystemAlertId, ProcessSource, RequestCount",
  ].join("\n");
}
