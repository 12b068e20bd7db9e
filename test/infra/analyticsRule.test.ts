import { describe, expect, it } from "vitest";

import { RECORD_COLUMNS } from "../../lib/core/records/columns.js";
import { parseDuration } from "../../lib/job/config/parseDuration.js";
import type { ReceivedRow } from "../../tools/doubles/startIngestionServer.js";
import { kqlResultColumns, validateKql } from "../support/kusto.js";
import { alertsRaised } from "../support/runAnalyticsRule.js";
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
  kqlResultColumns(properties.query, { tables: ["WebShellEnrichment_CL", "SecurityAlert"] }).map((c) => [
    c.name,
    c.type,
  ]),
);
const deployment = DEPLOY_TEMPLATE.resources?.find((resource) =>
  resource.comments?.includes("infra/analyticsRule.json"),
);

const durationMs = (text: string): number => parseDuration(text) ?? Number.NaN;

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

  it("raises a record whose first ingestion is 5 minutes to an hour old and that no alert of its own names yet", () => {
    const slice = /\| where FirstIngested > ago\((\d+)h\) and FirstIngested <= ago\((\d+)m\)/.exec(
      properties.query,
    );
    const [oldest, youngest] = [Number(slice?.[1]) * 3_600_000, Number(slice?.[2]) * 60_000];
    // Executions late or retried by up to (oldest − youngest − frequency) leave no gap.
    expect(oldest - youngest - durationMs(properties.queryFrequency)).toBeGreaterThanOrEqual(30 * 60_000);
    expect(youngest).toBeGreaterThanOrEqual(60_000);
    const alerted = /let alerted = SecurityAlert\n\s+\| where TimeGenerated > ago\((\d+)d\)/.exec(
      properties.query,
    );
    expect(Number(alerted?.[1]) * 86_400_000).toBeGreaterThan(oldest);
    expect(properties.query).toContain("| where RecordId !in (alerted)");
    // The alerts it reads back are its own: the name its alerts get, the custom detail it sets.
    expect(properties.query).toContain(
      `AlertName startswith "${properties.alertDetailsOverride.alertDisplayNameFormat?.replace("{{HostName}}", "")}"`,
    );
    expect(properties.customDetails.RecordId).toBe("RecordId");
    const lookback = /\| where ingestion_time\(\) > ago\((\d+)d\)/.exec(properties.query);
    expect(lookback?.[1] === undefined ? undefined : `P${lookback[1]}D`).toBe(properties.queryPeriod);
    // Sentinel's longest look-back; a duplicate arrives within hours of the first copy (docs/design.md §6.5).
    expect(durationMs(properties.queryPeriod)).toBe(durationMs("P14D"));
  });

  describe("run as Sentinel runs it, every 15 minutes, over a custom table with late duplicates", () => {
    const t0 = Date.parse("2026-11-22T00:07:00Z");
    const copy = (id: string, receivedAt: number, n: number): ReceivedRow => ({
      row: {
        TimeGenerated: "2026-11-21T22:00:00.000Z",
        RecordId: id,
        HostName: "web01",
        ShellLocation: "/uploads/help.aspx",
        AttackerUserAgents: ["curl/8.4.0"],
        EnrichedAt: new Date(receivedAt - 60_000).toISOString(),
      },
      receivedAt,
      itemId: `item-${id}-${n}`,
    });
    const hours = (n: number) => n * 3_600_000;
    const received = [
      copy("twice", t0, 1),
      copy("twice", t0 + hours(3), 2), // sent again 3 h later: a run that could not see the first copy
      copy("once", t0 + hours(1), 1),
      copy("three", t0, 1),
      copy("three", t0 + 1_000, 2), // a lost answer: the SDK's retry stored the chunk again
      copy("three", t0 + hours(26), 3),
    ];

    it.each([0, 20 * 60_000])("one alert per record, with an ingestion latency of %i ms", (latency) => {
      const alerts = alertsRaised(received, latency, t0 + hours(30));
      expect(Object.fromEntries(alerts)).toEqual({ twice: 1, once: 1, three: 1 });
    });

    it("would raise a copy more than a day late again if it looked back less than the copies are apart", () => {
      // Within a day, the rule's own alerts in SecurityAlert keep a late copy from raising again; past that, only the
      // 14-day look-back at the first ingestion does.
      const naive = properties.query.replace("ago(14d)", "ago(15m)");
      expect(naive).not.toBe(properties.query);
      const alerts = alertsRaised(received, 0, t0 + hours(30), naive);
      expect(Object.fromEntries(alerts)).toEqual({ twice: 1, once: 1, three: 2 });
    });
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
