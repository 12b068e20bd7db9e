import type { ArmProblem, ArmTemplate } from "./ArmTemplate.js";
import { allObjects, allResources, at } from "./ArmTemplate.js";
import { collectCalls, isArmExpression, tryParseArmExpression } from "./parseArmExpression.js";

/** An app setting as a Functions app receives it: a name and the template text of its value. */
export interface AppSetting {
  readonly name: string;
  readonly value: string;
}

const SECRET_NAME = /connection|key|secret|password|sas|token/i;
const SECRET_VALUE =
  /AccountKey=|SharedAccessKey|SharedAccessSignature|password|secret|ConnectionString|InstrumentationKey/i;

/**
 * The app settings of every function app in the template, from `siteConfig.appSettings` and from
 * `Microsoft.Web/sites/config` `appsettings` resources.
 */
export function appSettingsOf(template: ArmTemplate): AppSetting[] {
  return allResources(template).flatMap((resource) => {
    const type = resource.type.toLowerCase();
    if (type === "microsoft.web/sites") {
      const settings = at(resource.properties, "siteConfig", "appSettings");
      return Array.isArray(settings) ? (settings as AppSetting[]) : [];
    }
    if (type === "microsoft.web/sites/config" && resource.name.toLowerCase().includes("appsettings")) {
      return Object.entries(resource.properties ?? {}).map(([name, value]) => ({
        name,
        value: String(value),
      }));
    }
    return [];
  });
}

function looksSecret(name: string, value: string): boolean {
  return SECRET_NAME.test(name) || SECRET_VALUE.test(value) || name === "AzureWebJobsStorage";
}

/**
 * Checks that no secret can reach an app setting or an output: the template calls no `list*()` function
 * (account keys, connection strings, SAS), no app setting or output carries a key, password, SAS or
 * connection string by name or by value, and no output is a secure type. `allowedSettings` names the app
 * settings exempt from the name/value rule, each for a stated reason (not from the `list*()` rule).
 */
export function checkSecrets(template: ArmTemplate, allowedSettings: readonly string[] = []): ArmProblem[] {
  const problems: ArmProblem[] = [];
  for (const object of allObjects(template)) {
    for (const value of Object.values(object)) {
      if (typeof value !== "string" || !isArmExpression(value)) continue;
      const node = tryParseArmExpression(value);
      for (const call of node === undefined ? [] : collectCalls(node)) {
        if (/^list/i.test(call.name)) {
          problems.push({
            path: call.name,
            message: `${call.name}() reads keys or secrets into the deployment: ${value}`,
          });
        }
      }
    }
  }
  for (const setting of appSettingsOf(template)) {
    if (!allowedSettings.includes(setting.name) && looksSecret(setting.name, setting.value)) {
      problems.push({
        path: `appSettings.${setting.name}`,
        message: `app setting ${setting.name} looks like a secret: ${setting.value}`,
      });
    }
  }
  for (const scope of [
    template,
    ...allResources(template).map((resource) => at(resource, "properties", "template")),
  ]) {
    const outputs = (scope as ArmTemplate | undefined)?.outputs ?? {};
    for (const [name, output] of Object.entries(outputs)) {
      const value = JSON.stringify(output.value ?? "");
      if (/^secure/i.test(output.type) || looksSecret(name, value)) {
        problems.push({ path: `outputs.${name}`, message: `output ${name} looks like a secret: ${value}` });
      }
    }
  }
  return problems;
}
