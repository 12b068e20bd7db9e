import { describe, expect, it } from "vitest";

import { BASELINE_SCOPES, MATCH_MODES } from "../../lib/core/model/EngineOptions.js";
import { LIBRARY_SETTINGS, SETTINGS } from "../../lib/job/config/settings.js";
import { appSettingsOf } from "./arm/checkSecrets.js";
import { collectCalls, parseArmExpression } from "./arm/parseArmExpression.js";
import { referenceOf } from "./arm/referenceOf.js";
import { DEPLOY_TEMPLATE } from "./infraFiles.js";

/**
 * App settings the Azure Functions runtime reads, not our code; the template sets them and nothing else:
 */
const HOST_SETTINGS = [
  // Host storage (timer leases, host keys) by account name, reached with the identity: no connection string.
  "AzureWebJobsStorage__accountName",
  // Tells the host to authenticate to that account with a managed identity...
  "AzureWebJobsStorage__credential",
  // ...namely the app's user-assigned one.
  "AzureWebJobsStorage__clientId",
  // Where telemetry goes. Not a secret; with DisableLocalAuth it cannot send without the identity below.
  "APPLICATIONINSIGHTS_CONNECTION_STRING",
  // Sends telemetry with Microsoft Entra ID as the user-assigned identity.
  "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
];

/** Settings the code reads that the template deliberately leaves unset: */
const NOT_SET_BY_TEMPLATE = [
  // A connection string carries the storage account key (and shared keys are disabled); the template sets
  // ENRICHMENT_TABLE_ENDPOINT, used with the managed identity. The connection string is for Azurite.
  "ENRICHMENT_TABLE_CONNECTION",
];

/** Settings Flex Consumption rejects or ignores (the runtime and package come from functionAppConfig). */
const NOT_ON_FLEX = [
  "FUNCTIONS_WORKER_RUNTIME",
  "FUNCTIONS_EXTENSION_VERSION",
  "WEBSITE_NODE_DEFAULT_VERSION",
  "WEBSITE_RUN_FROM_PACKAGE",
  "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
  "WEBSITE_CONTENTSHARE",
  "AzureWebJobsStorage",
];

const settings = appSettingsOf(DEPLOY_TEMPLATE);
const valueOf = (name: string): string => {
  const setting = settings.find((candidate) => candidate.name === name);
  if (setting === undefined) throw new Error(`expected the template to set ${name}`);
  return setting.value;
};

describe("app settings in infra/azuredeploy.json", () => {
  it("are every setting the code reads, and only those plus the host's", () => {
    const codeReads = [...Object.keys(SETTINGS), ...LIBRARY_SETTINGS].filter(
      (name) => !NOT_SET_BY_TEMPLATE.includes(name),
    );
    const expected = new Set([...codeReads, ...HOST_SETTINGS]);
    const actual = new Set(settings.map((setting) => setting.name));
    expect({
      missing: [...expected].filter((name) => !actual.has(name)),
      unexpected: [...actual].filter((name) => !expected.has(name)),
    }).toEqual({ missing: [], unexpected: [] });
    expect(settings).toHaveLength(actual.size);
  });

  it("leave out the connection string and the settings Flex Consumption does not take", () => {
    const names = settings.map((setting) => setting.name);
    for (const name of [...NOT_SET_BY_TEMPLATE, ...NOT_ON_FLEX]) expect(names, name).not.toContain(name);
  });

  it("take each tuning setting from a described parameter whose default is the code's default", () => {
    for (const [name, setting] of Object.entries(SETTINGS)) {
      if (!("default" in setting) || NOT_SET_BY_TEMPLATE.includes(name)) continue;
      const node = parseArmExpression(valueOf(name));
      const [source] = node.kind === "call" ? node.args : [];
      expect(node.kind === "call" && ["parameters", "variables"].includes(node.name), name).toBe(true);
      if (node.kind !== "call" || source?.kind !== "string") continue;
      if (node.name === "variables") {
        expect(DEPLOY_TEMPLATE.variables?.[source.value], name).toBe(setting.default);
      } else {
        const parameter = DEPLOY_TEMPLATE.parameters?.[source.value];
        expect(parameter?.defaultValue, name).toBe(setting.default);
        expect(parameter?.metadata?.description, name).toBe(`${name}: ${setting.description}`);
      }
    }
  });

  it("offer exactly the modes and baseline scopes the code accepts", () => {
    expect(DEPLOY_TEMPLATE.parameters?.["enrichMode"]?.allowedValues).toEqual(MATCH_MODES);
    expect(DEPLOY_TEMPLATE.parameters?.["enrichBaselineScope"]?.allowedValues).toEqual(BASELINE_SCOPES);
  });

  it.each([
    ["LOG_ANALYTICS_WORKSPACE_ID", "Microsoft.OperationalInsights/workspaces", ["customerId"]],
    ["LOGS_INGESTION_ENDPOINT", "Microsoft.Insights/dataCollectionEndpoints", ["logsIngestion", "endpoint"]],
    ["LOGS_INGESTION_RULE_ID", "Microsoft.Insights/dataCollectionRules", ["immutableId"]],
    ["ENRICHMENT_TABLE_ENDPOINT", "Microsoft.Storage/storageAccounts", ["primaryEndpoints", "table"]],
    ["AZURE_CLIENT_ID", "Microsoft.ManagedIdentity/userAssignedIdentities", ["clientId"]],
    ["AzureWebJobsStorage__clientId", "Microsoft.ManagedIdentity/userAssignedIdentities", ["clientId"]],
    ["APPLICATIONINSIGHTS_CONNECTION_STRING", "Microsoft.Insights/components", ["ConnectionString"]],
  ])("set %s from the deployed %s (%j)", (name, type, path) => {
    expect(referenceOf(valueOf(name), DEPLOY_TEMPLATE)).toMatchObject({ type, path });
  });

  it("point the Sentinel workspace setting at the workspace parameter, in its subscription and resource group", () => {
    expect(DEPLOY_TEMPLATE.variables?.["workspaceResourceId"]).toBe(
      "[resourceId(parameters('workspaceSubscriptionId'), parameters('workspaceResourceGroup'), 'Microsoft.OperationalInsights/workspaces', parameters('workspaceName'))]",
    );
  });

  it("connect the Functions host to its storage and telemetry with the identity only", () => {
    expect(valueOf("AzureWebJobsStorage__credential")).toBe("managedidentity");
    expect(valueOf("AzureWebJobsStorage__accountName")).toBe("[variables('storageAccountName')]");
    const authentication = parseArmExpression(valueOf("APPLICATIONINSIGHTS_AUTHENTICATION_STRING"));
    expect(authentication).toMatchObject({ kind: "call", name: "format" });
    expect(authentication.kind === "call" && authentication.args[0]).toEqual({
      kind: "string",
      value: "Authorization=AAD;ClientId={0}",
    });
    const clientId = collectCalls(authentication).find((call) => call.name === "reference");
    expect(
      referenceOf({ kind: "property", target: clientId!, name: "clientId" }, DEPLOY_TEMPLATE),
    ).toMatchObject({
      type: "Microsoft.ManagedIdentity/userAssignedIdentities",
      path: ["clientId"],
    });
  });
});
