import { describe, expect, it } from "vitest";

import type { EnrichmentRecord } from "../../../../lib/core/records/EnrichmentRecord.js";
import { formatJsonRecord } from "../../../../lib/core/records/formatJsonRecord.js";
import { toJsonRecord } from "../../../../lib/core/records/toJsonRecord.js";
import { aRecord } from "../../adapters/azure/tables/aRecord.js";

describe("formatJsonRecord", () => {
  it("writes what JSON.stringify(toJsonRecord(record)) writes, for records sharing values and not", () => {
    const json = formatJsonRecord();
    const sites = ["W3SVC1", 'we"ird\u2028'];
    const records: EnrichmentRecord[] = [
      aRecord,
      { ...aRecord, Sites: sites, ProcessCommandLine: "cmd \u001b[31m </script>" },
      {
        ...aRecord,
        Sites: sites,
        AlertTime: null,
        ProcessCreationTime: Date.UTC(1969, 11, 31, 23, 59, 59, 1),
      },
      { ...aRecord, Attacker: {}, Evidence: [], RequestCount: null },
      aRecord,
    ];
    for (const record of records) expect(json(record)).toBe(JSON.stringify(toJsonRecord(record)));
  });
});
