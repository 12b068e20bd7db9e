import { readFileSync } from "node:fs";

import { describe, expect, it } from "vitest";

import { RUN_EVENT_PREFIX, toRunEvent } from "../../lib/adapters/functions/emitRunTelemetry.js";
import { SETTINGS } from "../../lib/job/config/settings.js";
import { newRunSummary } from "../../lib/job/runScheduled.js";
import type { TelemetryTableName } from "../../tools/doubles/schemas.js";
import { kqlResultColumns } from "../support/kusto.js";
import { at, onlyResource } from "./arm/ArmTemplate.js";
import { DEPLOY_TEMPLATE } from "./infraFiles.js";

// The job's health alerts (docs/design.md §6.7): log search alert rules on the app's telemetry workspace, over the
// one trace each timer invocation writes and over the data collection rule's error logs.

interface HealthAlert {
  readonly name: string;
  readonly displayName: string;
  readonly description: string;
  readonly severity: number;
  readonly windowSize: string;
  readonly query: string;
  readonly measure: string;
  readonly operator: string;
  readonly threshold: unknown;
}

const ALERTS = DEPLOY_TEMPLATE.variables?.["healthAlerts"] as readonly HealthAlert[];
const TELEMETRY =
  "[resourceId('Microsoft.OperationalInsights/workspaces', variables('telemetryWorkspaceName'))]";
const rules = onlyResource(DEPLOY_TEMPLATE, "Microsoft.Insights/scheduledQueryRules");
const actionGroup = onlyResource(DEPLOY_TEMPLATE, "Microsoft.Insights/actionGroups");
const diagnostics = onlyResource(DEPLOY_TEMPLATE, "Microsoft.Insights/diagnosticSettings");

const tableOf = (query: string): TelemetryTableName =>
  query.includes("DCRLogErrors") ? "DCRLogErrors" : "AppTraces";
const runEventFields = Object.keys(
  toRunEvent({ ...newRunSummary("timer-precise"), outcome: "succeeded", elapsedMs: 0 }),
);

describe("health alerts in infra/azuredeploy.json", () => {
  it("are the four the job needs: no successful run, watermark lag, failed runs, DCR ingestion errors", () => {
    expect(ALERTS.map((alert) => alert.name)).toEqual([
      "no-successful-run",
      "watermark-lag",
      "failed-runs",
      "dcr-ingestion-errors",
    ]);
  });

  it("are log search alerts on the app's telemetry workspace, one per entry, optional, resolving by themselves", () => {
    expect(rules).toMatchObject({
      kind: "LogAlert",
      condition: "[parameters('deployHealthAlerts')]",
      copy: { name: "healthAlertLoop", count: "[length(variables('healthAlerts'))]" },
      properties: {
        scopes: [TELEMETRY],
        autoMitigate: true,
        criteria: { allOf: [{ query: "[variables('healthAlerts')[copyIndex()].query]" }] },
      },
    });
  });

  it.each(ALERTS.map((alert) => [alert.name, alert] as const))(
    "%s: valid KQL over its table's documented schema, returning its numeric measure",
    (_name, alert) => {
      const columns = kqlResultColumns(alert.query, { tables: [tableOf(alert.query)] });
      expect(columns.find((column) => column.name === alert.measure)?.type).toMatch(/^(int|long|real)$/);
    },
  );

  it("read the run trace as the app writes it: its prefix, and only fields and outcomes it has", () => {
    const traceQueries = ALERTS.filter((alert) => tableOf(alert.query) === "AppTraces");
    expect(traceQueries).toHaveLength(3);
    for (const { name, query } of traceQueries) {
      expect(query, name).toContain(`| where Message startswith ${JSON.stringify(RUN_EVENT_PREFIX)}`);
      expect(query, name).toContain(`substring(Message, strlen(${JSON.stringify(RUN_EVENT_PREFIX)}))`);
      for (const [, field] of query.matchAll(/\bRun\.(\w+)/g)) expect(runEventFields, name).toContain(field);
      for (const [, outcome] of query.matchAll(/Run\.outcome\) == "(\w+)"/g))
        expect(["succeeded", "failed"], name).toContain(outcome);
    }
  });

  it("wait 3 × the default schedule's period for a successful run before alerting", () => {
    const [, minutes] = /^0 \*\/(\d+) \* \* \* \*$/.exec(SETTINGS.ENRICH_SCHEDULE.default) ?? [];
    expect(DEPLOY_TEMPLATE.parameters?.["healthNoSuccessWindowMinutes"]?.defaultValue).toBe(
      3 * Number(minutes),
    );
    const noRun = ALERTS.find((alert) => alert.name === "no-successful-run");
    expect(noRun).toMatchObject({
      windowSize: "[format('PT{0}M', parameters('healthNoSuccessWindowMinutes'))]",
      operator: "LessThan",
      threshold: 1,
    });
    expect(ALERTS.find((alert) => alert.name === "watermark-lag")?.threshold).toBe(
      "[parameters('healthWatermarkLagMinutes')]",
    );
  });

  it("e-mail the address given, through an action group that exists only when there is one", () => {
    expect(actionGroup.condition).toBe(
      "[and(parameters('deployHealthAlerts'), not(empty(parameters('healthAlertEmail'))))]",
    );
    expect(at(actionGroup.properties, "emailReceivers", 0, "emailAddress")).toBe(
      "[parameters('healthAlertEmail')]",
    );
    expect(at(rules.properties, "actions", "actionGroups")).toBe(
      "[if(empty(parameters('healthAlertEmail')), createArray(), createArray(resourceId('Microsoft.Insights/actionGroups', variables('actionGroupName'))))]",
    );
  });

  it("send the data collection rule's error logs to the telemetry workspace", () => {
    expect(diagnostics).toMatchObject({
      scope: "[format('Microsoft.Insights/dataCollectionRules/{0}', variables('dcrName'))]",
      condition: "[parameters('deployHealthAlerts')]",
      properties: { workspaceId: TELEMETRY, logs: [{ category: "LogErrors", enabled: true }] },
    });
  });

  it("never miss a run trace to sampling: host.json keeps every trace", () => {
    const host = JSON.parse(readFileSync("host.json", "utf8")) as unknown;
    const excluded = String(at(host, "logging", "applicationInsights", "samplingSettings", "excludedTypes"));
    expect(excluded.split(";")).toContain("Trace");
  });
});
