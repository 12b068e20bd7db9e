import { describe, expect, it } from "vitest";

import type { ColumnType } from "../../lib/core/records/columns.js";
import { RECORD_COLUMNS } from "../../lib/core/records/columns.js";
import { SETTINGS } from "../../lib/job/config/settings.js";
import { at, onlyResource } from "./arm/ArmTemplate.js";
import { DEPLOY_TEMPLATE } from "./infraFiles.js";

// Log Analytics tables and DCR stream declarations spell the boolean type "boolean"; the other column types
// are spelled as in KQL.
const armColumnType = (type: ColumnType): string => (type === "bool" ? "boolean" : type);

const STREAM = SETTINGS.LOGS_INGESTION_STREAM.default;
const table = onlyResource(DEPLOY_TEMPLATE, "Microsoft.OperationalInsights/workspaces/tables");
const rule = onlyResource(DEPLOY_TEMPLATE, "Microsoft.Insights/dataCollectionRules");

describe("the output schema (RECORD_COLUMNS) in infra/azuredeploy.json", () => {
  it("is the custom table's column list: names, types and descriptions, in order", () => {
    expect(at(table.properties, "schema", "columns")).toEqual(
      RECORD_COLUMNS.map(({ name, type, description }) => ({ name, type: armColumnType(type), description })),
    );
  });

  it("is the DCR stream declaration: names and types, in order", () => {
    expect(at(rule.properties, "streamDeclarations", STREAM, "columns")).toEqual(
      RECORD_COLUMNS.map(({ name, type }) => ({ name, type: armColumnType(type) })),
    );
  });

  it("declares one stream, the one the app uploads to", () => {
    expect(Object.keys(at(rule.properties, "streamDeclarations") as object)).toEqual([STREAM]);
    expect(DEPLOY_TEMPLATE.variables?.["streamName"]).toBe(STREAM);
  });
});

describe("the data collection rule", () => {
  it("sends the stream unchanged (transformKql source) into WebShellEnrichment_CL of the Sentinel workspace", () => {
    const destinations = at(rule.properties, "destinations", "logAnalytics") as {
      name: string;
      workspaceResourceId: string;
    }[];
    expect(destinations).toEqual([
      { name: "sentinelWorkspace", workspaceResourceId: "[variables('workspaceResourceId')]" },
    ]);
    expect(at(rule.properties, "dataFlows")).toEqual([
      {
        streams: [STREAM],
        destinations: ["sentinelWorkspace"],
        transformKql: "source",
        outputStream: STREAM,
      },
    ]);
  });

  it("ingests through the template's data collection endpoint, in the workspace's region", () => {
    expect(at(rule.properties, "dataCollectionEndpointId")).toBe(
      "[resourceId('Microsoft.Insights/dataCollectionEndpoints', variables('dceName'))]",
    );
    expect(rule.location).toBe("[parameters('workspaceLocation')]");
    expect(onlyResource(DEPLOY_TEMPLATE, "Microsoft.Insights/dataCollectionEndpoints").location).toBe(
      "[parameters('workspaceLocation')]",
    );
  });
});

describe("the custom table", () => {
  it("is WebShellEnrichment_CL, the stream's table, on the Analytics plan with the retention parameter", () => {
    expect(table.name).toBe("[format('{0}/WebShellEnrichment_CL', parameters('workspaceName'))]");
    expect(STREAM).toBe(`Custom-${String(at(table.properties, "schema", "name"))}`);
    expect(at(table.properties, "plan")).toBe("Analytics");
    expect(at(table.properties, "retentionInDays")).toBe("[parameters('retentionInDays')]");
    expect(DEPLOY_TEMPLATE.parameters?.["tableRetentionInDays"]).toMatchObject({
      type: "int",
      minValue: 4,
      maxValue: 730,
    });
  });
});
