import type { ArmTemplate } from "./arm/ArmTemplate.js";
import { readRepoJson, readRepoText } from "./arm/ArmTemplate.js";
import type { CheckTemplateOptions } from "./arm/checkTemplate.js";

/** `infra/azuredeploy.json`, the deployment template. */
export const DEPLOY_TEMPLATE = readRepoJson<ArmTemplate>("infra/azuredeploy.json");

/** `infra/analyticsRule.json`, the analytics rule as a template of its own. */
export const RULE_TEMPLATE = readRepoJson<ArmTemplate>("infra/analyticsRule.json");

/** The text of `infra/workbook.json`, the workbook's readable source. */
export const WORKBOOK_SOURCE = readRepoText("infra/workbook.json");

/**
 * What the structural checks take as given for these templates:
 * - the Sentinel workspace exists before deployment (referenced from the main template, possibly in another
 *   subscription, and from the nested workspace-content and analytics rule templates, never created);
 * - `APPLICATIONINSIGHTS_CONNECTION_STRING` holds Application Insights' ingestion endpoint and instrumentation
 *   key, which Microsoft documents as not secret; with `DisableLocalAuth` it cannot send telemetry without the
 *   identity named in `APPLICATIONINSIGHTS_AUTHENTICATION_STRING`.
 */
export const CHECK_OPTIONS: CheckTemplateOptions = {
  externalResources: [
    "resourceId(parameters('workspaceSubscriptionId'),parameters('workspaceResourceGroup'),'Microsoft.OperationalInsights/workspaces',parameters('workspaceName'))",
    "resourceId('Microsoft.OperationalInsights/workspaces',parameters('workspaceName'))",
    "resourceId('Microsoft.OperationalInsights/workspaces',parameters('workspace'))",
  ],
  allowedSettings: ["APPLICATIONINSIGHTS_CONNECTION_STRING"],
};
