/** A result column as the query API describes it (`string`, `datetime`, `dynamic`, `long`, `int`, `real`, …). */
export interface LogAnalyticsColumn {
  readonly name: string;
  readonly type: string;
}

/** The rows a test's handler answers a query with; cells are plain JS values (see `encodeLogAnalyticsTable`). */
export interface LogAnalyticsAnswer {
  readonly columns: readonly LogAnalyticsColumn[];
  readonly rows: readonly (readonly unknown[])[];
}

/** One entry of the response's `tables`. */
export interface LogAnalyticsWireTable {
  readonly name: string;
  readonly columns: readonly LogAnalyticsColumn[];
  readonly rows: unknown[][];
}

/**
 * Turns a handler's answer into the `PrimaryResult` table the service sends. The service serialises a `datetime`
 * cell as an ISO 8601 string and a `dynamic` cell as a JSON *string* (the SDK parses it back into a value), so a
 * `Date` becomes `toISOString()` and a non-string dynamic value becomes `JSON.stringify(value)`. Strings are sent
 * as given, so a test can serve exactly what the service sends (`"2024-05-01T10:00:00.1234567Z"`, `"[]"`, `""`).
 *
 * @throws when a row's length does not match the columns, which is a mistake in the test's handler.
 */
export function encodeLogAnalyticsTable(answer: LogAnalyticsAnswer): LogAnalyticsWireTable {
  const { columns } = answer;
  const rows = answer.rows.map((row, rowIndex) => {
    if (row.length !== columns.length) {
      throw new Error(
        `expected row ${rowIndex} of the answer to have ${columns.length} cells (${columns.map((c) => c.name).join(", ")}), got ${row.length}`,
      );
    }
    return row.map((cell, index) => encodeCell(cell, columns[index]?.type));
  });
  return { name: "PrimaryResult", columns, rows };
}

function encodeCell(cell: unknown, type: string | undefined): unknown {
  if (cell === null || cell === undefined) {
    return null;
  }
  if (type === "datetime" && cell instanceof Date) {
    return cell.toISOString();
  }
  if (type === "dynamic" && typeof cell !== "string") {
    return JSON.stringify(cell);
  }
  return cell;
}
