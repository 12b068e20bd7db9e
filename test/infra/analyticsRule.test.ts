import { describe, expect, it } from "vitest";

import { kqlResultColumns } from "../support/kusto.js";
import type { ArmResource } from "./arm/ArmTemplate.js";
import { at } from "./arm/ArmTemplate.js";
import { checkTemplate } from "./arm/checkTemplate.js";
import { CHECK_OPTIONS, DEPLOY_TEMPLATE, RULE_TEMPLATE } from "./infraFiles.js";

interface EntityMapping {
  readonly entityType: string;
  readonly fieldMappings: readonly { readonly identifier: string; readonly columnName: string }[];
}
interface RuleProperties {
  readonly query: string;
  readonly queryFrequency: string;
  readonly queryPeriod: string;
  readonly entityMappings: readonly EntityMapping[];
  readonly customDetails: Readonly<Record<string, string>>;
  readonly alertDetailsOverride: Readonly<Record<string, string>>;
  readonly eventGroupingSettings: { readonly aggregationKind: string };
  readonly incidentConfiguration: {
    readonly createIncident: boolean;
    readonly groupingConfiguration: Readonly<Record<string, unknown>>;
  };
}

const [rule] = RULE_TEMPLATE.resources ?? [];
const properties = rule?.properties as unknown as RuleProperties;
const columns = new Map(
  kqlResultColumns(properties.query, { tables: ["WebShellEnrichment_CL"] }).map((c) => [c.name, c.type]),
);
const deployment = DEPLOY_TEMPLATE.resources?.find((resource) =>
  resource.comments?.includes("infra/analyticsRule.json"),
);

/** Milliseconds of an ISO 8601 duration of days, hours, minutes and seconds (`P1D`, `PT49H`, `PT15M`). */
function durationMs(text: string): number {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(text);
  if (match === null) throw new Error(`expected an ISO 8601 duration such as PT15M, got ${text}`);
  const [days = 0, hours = 0, minutes = 0, seconds = 0] = match
    .slice(1)
    .map(Number)
    .map((n) => (Number.isNaN(n) ? 0 : n));
  return (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000;
}

describe("infra/analyticsRule.json", () => {
  it("is a template of its own (Sentinel content style) that passes the structural checks", () => {
    expect(checkTemplate(RULE_TEMPLATE, CHECK_OPTIONS)).toEqual([]);
    expect(Object.keys(RULE_TEMPLATE.parameters ?? {})).toEqual(["workspace"]);
    expect(rule).toMatchObject({
      type: "Microsoft.SecurityInsights/alertRules",
      kind: "Scheduled",
      scope: "[format('Microsoft.OperationalInsights/workspaces/{0}', parameters('workspace'))]",
    });
    expect(rule?.name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it("is embedded unchanged in the main template, deployed on the workspace after its table exists", () => {
    expect(at(deployment, "properties", "template")).toEqual(RULE_TEMPLATE);
    expect(deployment).toMatchObject({
      condition: "[parameters('deployAnalyticsRule')]",
      resourceGroup: "[parameters('workspaceResourceGroup')]",
      properties: { parameters: { workspace: { value: "[parameters('workspaceName')]" } } },
    } satisfies Partial<ArmResource>);
    expect(deployment?.dependsOn).toEqual([
      "[resourceId(parameters('workspaceResourceGroup'), 'Microsoft.Resources/deployments', variables('workspaceContentDeploymentName'))]",
    ]);
  });

  it("selects new rows by ingestion time over exactly its frequency, and looks back past the 2-day TimeGenerated limit", () => {
    const window = /\| where ingestion_time\(\) > ago\((\d+)m\)/.exec(properties.query);
    expect(window?.[1] === undefined ? undefined : Number(window[1]) * 60_000).toBe(
      durationMs(properties.queryFrequency),
    );
    expect(durationMs(properties.queryPeriod)).toBeGreaterThanOrEqual(
      durationMs("P2D") + durationMs(properties.queryFrequency),
    );
  });

  it("maps Host, IP, URL and Process entities from columns the query returns", () => {
    expect(properties.entityMappings.map((mapping) => mapping.entityType)).toEqual([
      "Host",
      "IP",
      "URL",
      "Process",
    ]);
    for (const { entityType, fieldMappings } of properties.entityMappings) {
      for (const { columnName } of fieldMappings)
        expect(columns.has(columnName), `${entityType}: ${columnName}`).toBe(true);
    }
  });

  it("attaches shell location, command line and user agents as custom details", () => {
    expect(properties.customDetails).toMatchObject({
      ShellLocation: "ShellLocation",
      CommandLine: "ProcessCommandLine",
      UserAgents: "UserAgents",
    });
    for (const column of Object.values(properties.customDetails))
      expect(columns.get(column), column).toBe("string");
  });

  it("raises one alert per finding and groups a host's alerts for one shell into one incident", () => {
    expect(properties.eventGroupingSettings).toEqual({ aggregationKind: "AlertPerResult" });
    expect(properties.incidentConfiguration.createIncident).toBe(true);
    expect(properties.incidentConfiguration.groupingConfiguration).toMatchObject({
      enabled: true,
      matchingMethod: "Selected",
      groupByEntities: ["Host"],
      groupByCustomDetails: ["ShellLocation"],
    });
  });

  it("names alerts from the host only, never from attacker-controlled columns", () => {
    const placeholders = Object.values(properties.alertDetailsOverride).flatMap((format) =>
      [...format.matchAll(/\{\{(\w+)\}\}/g)].map((match) => match[1]),
    );
    expect(new Set(placeholders)).toEqual(new Set(["HostName"]));
  });
});
