import { describe, expect, it } from "vitest";

import { kqlResultColumns, validateKql } from "../support/kusto.js";
import { at, onlyResource } from "./arm/ArmTemplate.js";
import { DEPLOY_TEMPLATE, WORKBOOK_SOURCE } from "./infraFiles.js";

interface WorkbookParameter {
  readonly name: string;
  readonly type: number;
  readonly query?: string;
  readonly multiSelect?: boolean;
  readonly timeContextFromParameter?: string;
  readonly typeSettings?: Readonly<Record<string, unknown>>;
}
interface WorkbookItem {
  readonly type: number;
  readonly name: string;
  readonly content: {
    readonly json?: string;
    readonly query?: string;
    readonly parameters?: readonly WorkbookParameter[];
    readonly timeContextFromParameter?: string;
    readonly exportFieldName?: string;
    readonly exportParameterName?: string;
  };
  readonly conditionalVisibility?: {
    readonly parameterName: string;
    readonly comparison: string;
    readonly value: string;
  };
}

const TEXT = 1;
const QUERY = 3;
const PARAMETERS = 9;

const workbook = JSON.parse(WORKBOOK_SOURCE) as { version: string; items: readonly WorkbookItem[] };
const items = workbook.items;
const parameters = items.flatMap((item) => item.content.parameters ?? []);
const queries = [
  ...items
    .filter((item) => item.content.query !== undefined)
    .map((item) => [item.name, item.content.query!] as const),
  ...parameters
    .filter((parameter) => parameter.query !== undefined)
    .map((p) => [`parameter ${p.name}`, p.query!] as const),
];

/**
 * Values the portal puts in place of each workbook parameter a query uses. Host names and record ids are the
 * only values that reach a query: host names from Defender's host entity, record ids from the job's hash.
 */
const SAMPLE_VALUES: Readonly<Record<string, string>> = {
  "{Host}": "'web01', 'web02'",
  "{TimeRange:grain}": "1h",
  "{SelectedRecordId}": "9f1c3e57a0b2d4c6",
};

function withSampleValues(query: string): string {
  return query.replace(/\{[^{}]*\}/g, (placeholder) => {
    const value = SAMPLE_VALUES[placeholder];
    if (value === undefined) throw new Error(`no sample value for workbook parameter ${placeholder}`);
    return value;
  });
}

const item = (name: string): WorkbookItem => {
  const found = items.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`expected a workbook item named ${name}`);
  return found;
};

describe("infra/workbook.json", () => {
  it("is what the template deploys, embedded as serializedData (run node infra/embedContent.mjs)", () => {
    const resource = onlyResource(DEPLOY_TEMPLATE, "Microsoft.Insights/workbooks");
    const embedded = at(resource.properties, "serializedData") as string;
    expect(JSON.parse(embedded)).toEqual(workbook);
    expect(embedded).toBe(JSON.stringify(workbook));
    expect(resource).toMatchObject({
      kind: "shared",
      properties: {
        category: "sentinel",
        sourceId: "[resourceId('Microsoft.OperationalInsights/workspaces', parameters('workspaceName'))]",
      },
    });
  });

  it("is a Notebook/1.0 workbook with time range and host parameters", () => {
    expect(workbook.version).toBe("Notebook/1.0");
    expect(
      parameters.map((parameter) => [parameter.name, parameter.type, parameter.multiSelect ?? false]),
    ).toEqual([
      ["TimeRange", 4, false],
      ["Host", 2, true],
    ]);
    const host = parameters.find((parameter) => parameter.name === "Host")!;
    expect(host.typeSettings).toMatchObject({
      additionalResourceOptions: ["value::all"],
      selectAllValue: "*",
    });
    expect(
      kqlResultColumns(host.query!, { tables: ["WebShellEnrichment_CL"] }).map((column) => column.name),
    ).toEqual(["value", "label"]);
  });

  it("shows findings over time, top hosts, shells, attackers, user agents, command lines and the findings", () => {
    const views = items.filter((candidate) => candidate.type === QUERY).map((candidate) => candidate.name);
    expect(views).toEqual(
      expect.arrayContaining([
        "findings-over-time",
        "top-hosts",
        "top-shells",
        "top-attackers",
        "top-user-agents",
        "command-lines",
        "findings",
      ]),
    );
  });

  it.each(queries)("query %s is valid KQL over WebShellEnrichment_CL", (_name, query) => {
    expect(validateKql(withSampleValues(query), { tables: ["WebShellEnrichment_CL"] })).toEqual([]);
  });

  it("filters every query by the time range and every finding query by the host parameter", () => {
    for (const source of [
      ...items.filter((candidate) => candidate.type === QUERY).map((i) => i.content),
      ...parameters,
    ]) {
      if (source.query !== undefined) expect(source.timeContextFromParameter, source.query).toBe("TimeRange");
    }
    for (const name of [
      "findings-over-time",
      "top-hosts",
      "top-shells",
      "top-attackers",
      "top-user-agents",
      "command-lines",
      "findings",
    ]) {
      expect(item(name).content.query, name).toContain("| where '*' in ({Host}) or HostName in ({Host})");
    }
  });

  it("drills down from a selected finding to its record and evidence requests", () => {
    expect(item("findings").content).toMatchObject({
      exportFieldName: "RecordId",
      exportParameterName: "SelectedRecordId",
    });
    for (const name of ["finding", "evidence"]) {
      expect(item(name).conditionalVisibility).toEqual({
        parameterName: "SelectedRecordId",
        comparison: "isNotEqualTo",
        value: "",
      });
      expect(item(name).content.query).toContain("| where RecordId == '{SelectedRecordId}'");
    }
    expect(item("evidence").content.query).toMatch(
      /\| mv-expand Evidence\n\| evaluate bag_unpack\(Evidence\)$/,
    );
  });

  describe("keeps attacker-controlled strings as data", () => {
    it("builds no markdown from parameters or query results", () => {
      for (const text of items.filter((candidate) => candidate.type === TEXT)) {
        expect(text.content.json, text.name).not.toMatch(/[{}]/);
      }
      expect(items.every((candidate) => [TEXT, QUERY, PARAMETERS].includes(candidate.type))).toBe(true);
    });

    it("substitutes only host names and record ids into queries, and exports only the record id", () => {
      const used = new Set(queries.flatMap(([, query]) => query.match(/\{[^{}]*\}/g) ?? []));
      expect([...used].sort()).toEqual(Object.keys(SAMPLE_VALUES).sort());
      const exported = items.filter((candidate) => candidate.content.exportFieldName !== undefined);
      expect(exported.map((candidate) => candidate.content.exportFieldName)).toEqual(["RecordId"]);
    });

    it("renders no cell as a link or markup", () => {
      expect(WORKBOOK_SOURCE).not.toMatch(/"(linkTarget|linkColumn|gridSettings|formatters)"/);
    });
  });

  it("fails a query that uses a parameter the test has no value for", () => {
    expect(() => withSampleValues("WebShellEnrichment_CL | where HostName == '{Hostname}'")).toThrow(
      "{Hostname}",
    );
  });
});
