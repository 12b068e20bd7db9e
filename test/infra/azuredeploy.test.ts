import { describe, expect, it } from "vitest";

import { SETTINGS } from "../../lib/job/config/settings.js";
import type { ArmResource } from "./arm/ArmTemplate.js";
import { allResources, at, onlyResource } from "./arm/ArmTemplate.js";
import { checkTemplate } from "./arm/checkTemplate.js";
import { CHECK_OPTIONS, DEPLOY_TEMPLATE } from "./infraFiles.js";

const IDENTITY =
  "[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', variables('identityName'))]";
const site = onlyResource(DEPLOY_TEMPLATE, "Microsoft.Web/sites");
const nestedDeployments = (DEPLOY_TEMPLATE.resources ?? []).filter(
  (r) => r.type === "Microsoft.Resources/deployments",
);

describe("infra/azuredeploy.json", () => {
  it("passes the structural checks: declarations, dependencies, nested parameters, role ids, secrets", () => {
    expect(checkTemplate(DEPLOY_TEMPLATE, CHECK_OPTIONS)).toEqual([]);
  });

  it("is a resource group deployment template, the format 'Deploy to Azure' and az deployment group take", () => {
    expect(DEPLOY_TEMPLATE.$schema).toBe(
      "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
    );
    expect(DEPLOY_TEMPLATE.contentVersion).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it("requires only the workspace name; every other parameter has a default", () => {
    const required = Object.entries(DEPLOY_TEMPLATE.parameters ?? {}).filter(
      ([, p]) => p.defaultValue === undefined,
    );
    expect(required.map(([name]) => name)).toEqual(["workspaceName"]);
  });

  it("runs the app on Flex Consumption, Node 22, from a package in blob storage reached with the identity", () => {
    expect(onlyResource(DEPLOY_TEMPLATE, "Microsoft.Web/serverfarms")).toMatchObject({
      sku: { name: "FC1", tier: "FlexConsumption" },
      properties: { reserved: true },
    });
    expect(site).toMatchObject({
      kind: "functionapp,linux",
      properties: {
        httpsOnly: true,
        siteConfig: { minTlsVersion: "1.2" },
        functionAppConfig: {
          runtime: { name: "node", version: "22" },
          deployment: {
            storage: {
              type: "blobContainer",
              authentication: { type: "UserAssignedIdentity", userAssignedIdentityResourceId: IDENTITY },
            },
          },
          scaleAndConcurrency: {
            maximumInstanceCount: "[parameters('maximumInstanceCount')]",
            instanceMemoryMB: "[parameters('instanceMemoryMB')]",
          },
        },
      },
    });
    expect(at(site.properties, "functionAppConfig", "deployment", "storage", "value")).toBe(
      "[format('{0}{1}', reference(resourceId('Microsoft.Storage/storageAccounts', variables('storageAccountName')), '2023-05-01').primaryEndpoints.blob, variables('deploymentContainerName'))]",
    );
  });

  it("scales from 1 instance up: Flex Consumption's maximum instance count starts at 1", () => {
    expect(DEPLOY_TEMPLATE.parameters?.["maximumInstanceCount"]).toMatchObject({
      minValue: 1,
      maxValue: 1000,
    });
  });

  it("gives the app exactly one identity, user-assigned", () => {
    expect(site.identity).toEqual({ type: "UserAssigned", userAssignedIdentities: { [IDENTITY]: {} } });
    const identities = allResources(DEPLOY_TEMPLATE).filter((r) => r.identity !== undefined);
    expect(identities).toEqual([site]);
  });

  it("disables shared keys and public blob access on the storage account", () => {
    expect(onlyResource(DEPLOY_TEMPLATE, "Microsoft.Storage/storageAccounts").properties).toMatchObject({
      allowSharedKeyAccess: false,
      allowBlobPublicAccess: false,
      minimumTlsVersion: "TLS1_2",
      supportsHttpsTrafficOnly: true,
    });
    expect(
      onlyResource(DEPLOY_TEMPLATE, "Microsoft.Storage/storageAccounts/blobServices/containers").properties,
    ).toEqual({
      publicAccess: "None",
    });
  });

  it("creates the Table Storage table the app uses", () => {
    expect(onlyResource(DEPLOY_TEMPLATE, "Microsoft.Storage/storageAccounts/tableServices/tables").name).toBe(
      "[format('{0}/default/{1}', variables('storageAccountName'), variables('enrichmentTableName'))]",
    );
    expect(DEPLOY_TEMPLATE.variables?.["enrichmentTableName"]).toBe(SETTINGS.ENRICHMENT_TABLE_NAME.default);
  });

  it("sends telemetry to a workspace-based Application Insights with local (key) authentication disabled", () => {
    expect(onlyResource(DEPLOY_TEMPLATE, "Microsoft.Insights/components").properties).toMatchObject({
      DisableLocalAuth: true,
      WorkspaceResourceId:
        "[resourceId('Microsoft.OperationalInsights/workspaces', variables('telemetryWorkspaceName'))]",
    });
  });

  it("deploys the table, workbook and analytics rule into the workspace's resource group and subscription", () => {
    expect(DEPLOY_TEMPLATE.parameters?.["workspaceSubscriptionId"]?.defaultValue).toBe(
      "[subscription().subscriptionId]",
    );
    const contents = nestedDeployments.filter((deployment) => deployment.copy === undefined);
    expect(contents).toHaveLength(2);
    for (const deployment of contents) {
      expect(deployment).toMatchObject({
        subscriptionId: "[parameters('workspaceSubscriptionId')]",
        resourceGroup: "[parameters('workspaceResourceGroup')]",
        properties: { mode: "Incremental", expressionEvaluationOptions: { scope: "inner" } },
      } satisfies Partial<ArmResource>);
    }
    const types = contents.flatMap((deployment) =>
      ((at(deployment.properties, "template", "resources") as ArmResource[]) ?? []).map((r) => r.type),
    );
    expect(types.sort()).toEqual([
      "Microsoft.Insights/workbooks",
      "Microsoft.OperationalInsights/workspaces/tables",
      "Microsoft.SecurityInsights/alertRules",
    ]);
  });

  it("creates the data collection rule only once the custom table exists", () => {
    expect(onlyResource(DEPLOY_TEMPLATE, "Microsoft.Insights/dataCollectionRules").dependsOn).toContain(
      "[resourceId(parameters('workspaceSubscriptionId'), parameters('workspaceResourceGroup'), 'Microsoft.Resources/deployments', variables('workspaceContentDeploymentName'))]",
    );
  });

  it("outputs what the verification steps need, and nothing secret", () => {
    expect(Object.keys(DEPLOY_TEMPLATE.outputs ?? {}).sort()).toEqual([
      "dataCollectionRuleImmutableId",
      "enrichmentTableEndpoint",
      "functionAppHostName",
      "functionAppName",
      "logsIngestionEndpoint",
      "managedIdentityPrincipalId",
      "storageAccountName",
    ]);
  });
});
