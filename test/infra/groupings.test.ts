import { describe, expect, it } from "vitest";

import type { EnrichmentRecord } from "../../lib/core/records/EnrichmentRecord.js";
import { correlate, entity, legacyAlert, mdeAlert, request } from "../support/timeline.js";
import { RULE_TEMPLATE, WORKBOOK_SOURCE } from "./infraFiles.js";

// KQL's `summarize by` compares strings case-sensitively: the workbook's "top hosts" and "top shells" and the
// analytics rule's incident grouping count one server or one shell once only if the records spell it one way
// (docs/design.md §4.11). The records here come from input that spells host and shell every way it can.

const upperHost = legacyAlert({
  row: { SystemAlertId: "upper-1" },
  entities: (entities) =>
    Object.assign(entity(entities, "5"), { HostName: "WEB01", DnsDomain: "CONTOSO.local" }),
});
const fqdnHost = mdeAlert({
  entities: (entities) => Object.assign(entity(entities, "14"), { HostName: "Web01.Contoso.Local" }),
});
const requests = [
  request("10:15:31", { csUriStem: "/Uploads/Help.ASPX", sComputerName: "WEB01" }),
  request("10:15:32", { csUriStem: "/uploads/help.aspx", sComputerName: "web01" }),
  request("10:15:33", { csUriStem: "/UPLOADS/help.aspx", sComputerName: "Web01" }),
];
const { records } = correlate("precise", [upperHost, fqdnHost], requests);

/** The record columns a query groups by (`summarize … by a, bin(b, 1h)`), leaving out the dedup by RecordId. */
function groupingColumns(query: string): string[] {
  return [...query.matchAll(/\|\s*summarize\b[^|]*?\bby\s+([^|\n]+)/g)]
    .flatMap((match) => match[1]!.split(","))
    .map((part) => part.trim().replace(/^bin\((\w+),.*$/, "$1"))
    .filter((name) => /^\w+$/.test(name) && name !== "RecordId");
}

/** `summarize count() by columns` over the records: the groups it would make. */
function groups(columns: readonly (keyof EnrichmentRecord)[]): Set<string> {
  return new Set(records.map((record) => JSON.stringify(columns.map((column) => record[column]))));
}

const workbookQueries = [...WORKBOOK_SOURCE.matchAll(/"query":\s*"((?:[^"\\]|\\.)*)"/g)].map(
  (match) => JSON.parse(`"${match[1]!}"`) as string,
);

describe("grouping on records whose input spells one host and one shell many ways", () => {
  it("has such input: two alert spellings of the host, three request spellings of the page", () => {
    expect(records.length).toBeGreaterThan(1);
    expect(new Set(requests.map((r) => r.csUriStem)).size).toBe(3);
  });

  it("gives every column the workbook groups by one value per host and per shell", () => {
    const columns = [...new Set(workbookQueries.flatMap(groupingColumns))].filter(
      (column): column is keyof EnrichmentRecord => column in records[0]!,
    );
    expect(columns).toEqual(expect.arrayContaining(["HostName", "ShellLocation", "AttackerIP"]));
    for (const column of ["HostName", "ShellLocation"] as const)
      expect(groups([column]).size, column).toBe(1);
    expect(groups(["HostName", "ShellLocation"]).size).toBe(1);
  });

  it("groups the analytics rule's alerts for one host and one shell into one incident", () => {
    const properties = RULE_TEMPLATE.resources?.[0]?.properties as {
      entityMappings: { entityType: string; fieldMappings: { columnName: string }[] }[];
      incidentConfiguration: {
        groupingConfiguration: { groupByEntities: string[]; groupByCustomDetails: string[] };
      };
      customDetails: Record<string, string>;
    };
    const grouping = properties.incidentConfiguration.groupingConfiguration;
    const entityColumns = properties.entityMappings
      .filter((mapping) => grouping.groupByEntities.includes(mapping.entityType))
      .flatMap((mapping) => mapping.fieldMappings.map((field) => field.columnName));
    const detailColumns = grouping.groupByCustomDetails.map((detail) => properties.customDetails[detail]!);
    const columns = [...entityColumns, ...detailColumns] as (keyof EnrichmentRecord)[];
    expect(columns).toEqual(expect.arrayContaining(["HostName", "ShellLocation"]));
    expect(groups(columns).size).toBe(1);
  });
});
