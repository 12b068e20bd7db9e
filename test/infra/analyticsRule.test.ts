import { describe, expect, it } from "vitest";

import { RECORD_COLUMNS } from "../../lib/core/records/columns.js";
import { kqlResultColumns, validateKql } from "../support/kusto.js";
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
  readonly enabled: unknown;
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
    expect(Object.keys(RULE_TEMPLATE.parameters ?? {})).toEqual(["workspace", "appName", "enabled"]);
    expect(rule).toMatchObject({
      type: "Microsoft.SecurityInsights/alertRules",
      kind: "Scheduled",
      scope: "[format('Microsoft.OperationalInsights/workspaces/{0}', parameters('workspace'))]",
    });
  });

  it("is named after the app and the workspace, so another app's deployment to the workspace gets a rule of its own", () => {
    const name =
      "[guid(parameters('appName'), resourceId('Microsoft.OperationalInsights/workspaces', parameters('workspace')))]";
    expect(rule?.name).toBe(name);
    expect(RULE_TEMPLATE.outputs?.["ruleName"]?.value).toBe(name);
    expect(RULE_TEMPLATE.parameters?.["appName"]?.defaultValue).toBeUndefined();
  });

  it("is enabled or not as the deployment says, so a redeployment can keep a rule the SOC disabled disabled", () => {
    expect(properties.enabled).toBe("[parameters('enabled')]");
    expect(RULE_TEMPLATE.parameters?.["enabled"]).toMatchObject({ type: "bool", defaultValue: true });
    expect(DEPLOY_TEMPLATE.parameters?.["analyticsRuleEnabled"]).toMatchObject({
      type: "bool",
      defaultValue: true,
    });
  });

  it("stays valid before WebShellEnrichment_CL exists: a fuzzy union with an empty table of the record's columns", () => {
    // Kusto's language service, like Sentinel when it creates the rule, refuses a query naming a missing table...
    expect(validateKql("WebShellEnrichment_CL | take 1", { tables: ["SecurityAlert"] })).not.toEqual([]);
    // ...but not this one, whose result has the same columns either way.
    expect(validateKql(properties.query, { tables: ["SecurityAlert"] })).toEqual([]);
    expect(kqlResultColumns(properties.query, { tables: ["SecurityAlert"] })).toEqual(
      [...columns].map(([name, type]) => ({ name, type })),
    );
    const declared = /datatable\(([^)]*)\)\[\]/.exec(properties.query)?.[1] ?? "";
    expect(declared.split(",").map((column) => column.trim().split(/:\s*/))).toEqual(
      RECORD_COLUMNS.map((column) => [column.name, column.type]),
    );
  });

  it("is embedded unchanged in the main template, deployed on the workspace after its table exists", () => {
    expect(at(deployment, "properties", "template")).toEqual(RULE_TEMPLATE);
    expect(deployment).toMatchObject({
      condition: "[parameters('deployAnalyticsRule')]",
      subscriptionId: "[parameters('workspaceSubscriptionId')]",
      resourceGroup: "[parameters('workspaceResourceGroup')]",
      properties: {
        parameters: {
          workspace: { value: "[parameters('workspaceName')]" },
          appName: { value: "[parameters('appName')]" },
          enabled: { value: "[parameters('analyticsRuleEnabled')]" },
        },
      },
    } satisfies Partial<ArmResource>);
    expect(deployment?.dependsOn).toEqual([
      "[resourceId(parameters('workspaceSubscriptionId'), parameters('workspaceResourceGroup'), 'Microsoft.Resources/deployments', variables('workspaceContentDeploymentName'))]",
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

  it("maps Host, IP, URL, File and Process entities from columns the query returns", () => {
    expect(properties.entityMappings.map((mapping) => mapping.entityType)).toEqual([
      "Host",
      "IP",
      "URL",
      "File",
      "Process",
    ]);
    const fields = (type: string) =>
      properties.entityMappings.find((mapping) => mapping.entityType === type)?.fieldMappings;
    expect(fields("URL")).toEqual([{ identifier: "Url", columnName: "ShellUrl" }]);
    expect(fields("File")).toEqual([
      { identifier: "Name", columnName: "ShellName" },
      { identifier: "Directory", columnName: "ShellDirectory" },
    ]);
    for (const { entityType, fieldMappings } of properties.entityMappings) {
      for (const { columnName } of fieldMappings)
        expect(columns.has(columnName), `${entityType}: ${columnName}`).toBe(true);
    }
  });

  it("gives the URL entity a full URL: https, the server's FQDN, the shell's path", () => {
    expect(properties.query).toContain(
      '| extend ShellUrl = strcat("https://", HostName, iff(isempty(DnsDomain), "", strcat(".", DnsDomain)), ShellLocation)',
    );
    expect(columns.get("ShellUrl")).toBe("string");
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
