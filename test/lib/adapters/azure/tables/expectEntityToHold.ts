import { expect } from "vitest";

import { RECORD_COLUMNS } from "../../../../../lib/core/records/columns.js";
import type { EnrichmentRecord } from "../../../../../lib/core/records/EnrichmentRecord.js";

/**
 * Asserts that an entity read back from Table Storage holds every column of `record` in its stored form: datetimes
 * as `Date`, dynamic columns as JSON text of the same value, ints as numbers, null columns absent.
 */
export function expectEntityToHold(entity: Record<string, unknown>, record: EnrichmentRecord): void {
  for (const column of RECORD_COLUMNS) {
    const value = record[column.name];
    const stored = entity[column.name];
    const where = `column ${column.name} of record ${record.RecordId}`;
    if (value === null) {
      expect(stored, where).toBeUndefined();
    } else if (column.type === "datetime") {
      expect(stored, where).toBeInstanceOf(Date);
      expect((stored as Date).getTime(), where).toBe(value);
    } else if (column.type === "dynamic") {
      expect(typeof stored, where).toBe("string");
      expect(JSON.parse(stored as string), where).toEqual(value);
    } else {
      expect(stored, where).toBe(value);
    }
  }
}
