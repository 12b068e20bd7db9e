import { describe, expect, it } from "vitest";

import { CHECK_OPTIONS, DEPLOY_TEMPLATE } from "../infraFiles.js";
import type { ArmTemplate } from "./ArmTemplate.js";
import { at } from "./ArmTemplate.js";
import { checkTemplate } from "./checkTemplate.js";

type Json = Record<string, unknown>;

/** Checks a deep copy of the real template after `change` broke it, and returns the problem messages. */
function problemsAfter(change: (template: Json) => void): string[] {
  const copy = structuredClone(DEPLOY_TEMPLATE) as unknown as Json;
  change(copy);
  return checkTemplate(copy as unknown as ArmTemplate, CHECK_OPTIONS).map(
    (problem) => `${problem.path}: ${problem.message}`,
  );
}

function object(value: unknown): Json {
  if (typeof value !== "object" || value === null)
    throw new Error(`expected an object, got ${String(value)}`);
  return value as Json;
}

function resource(template: Json, type: string): Json {
  const found = (template["resources"] as Json[]).find((candidate) => candidate["type"] === type);
  return object(found);
}

function appSettings(template: Json): Json[] {
  return at(resource(template, "Microsoft.Web/sites"), "properties", "siteConfig", "appSettings") as Json[];
}

function deployment(template: Json, nameVariable: string): Json {
  const found = (template["resources"] as Json[]).find(
    (candidate) => candidate["name"] === `[variables('${nameVariable}')]`,
  );
  return object(found);
}

describe("checkTemplate", () => {
  it("passes the real template", () => {
    expect(checkTemplate(DEPLOY_TEMPLATE, CHECK_OPTIONS)).toEqual([]);
  });

  describe("declarations", () => {
    it("reports a reference to an undeclared parameter or variable", () => {
      const problems = problemsAfter((template) => {
        appSettings(template).push(
          { name: "A", value: "[parameters('nope')]" },
          { name: "B", value: "[variables('nada')]" },
        );
      });
      expect(problems).toEqual([
        expect.stringContaining("parameters('nope') refers to no declared parameter"),
        expect.stringContaining("variables('nada') refers to no declared variable"),
      ]);
    });

    it("reports a parameter or variable that nothing uses", () => {
      const problems = problemsAfter((template) => {
        object(template["parameters"])["spare"] = { type: "string", metadata: { description: "Unused." } };
        object(template["variables"])["leftover"] = "x";
      });
      expect(problems).toEqual([
        "parameters.spare: parameter 'spare' is declared but never used",
        "variables.leftover: variable 'leftover' is declared but never used",
      ]);
    });

    it("reports a parameter without a description", () => {
      const problems = problemsAfter((template) => {
        delete object(object(template["parameters"])["enrichMode"])["metadata"];
      });
      expect(problems).toEqual(["parameters.enrichMode: parameter 'enrichMode' has no metadata.description"]);
    });

    it("reports a malformed expression", () => {
      const problems = problemsAfter((template) => {
        appSettings(template)[0]!["value"] = "[format('{0}', variables('storageAccountName')]";
      });
      expect(problems).toEqual([expect.stringMatching(/appSettings\[0\]\.value: expected ',' or '\)'/)]);
    });

    it("checks a nested template's own scope and the parameters passed to it", () => {
      const problems = problemsAfter((template) => {
        const content = deployment(template, "workspaceContentDeploymentName");
        delete object(at(content, "properties", "parameters"))["retentionInDays"];
        object(at(content, "properties", "parameters"))["extra"] = { value: 1 };
        const table = (at(content, "properties", "template", "resources") as Json[])[0]!;
        object(table["properties"])["retentionInDays"] = "[parameters('retention')]";
      });
      expect(problems).toEqual([
        "parameters.tableRetentionInDays: parameter 'tableRetentionInDays' is declared but never used",
        expect.stringMatching(/passes parameter 'extra', which the nested template does not declare$/),
        expect.stringMatching(/does not pass required parameter 'retentionInDays' of the nested template$/),
        expect.stringMatching(
          /properties\.template\.resources\[0\].*parameters\('retention'\) refers to no declared/,
        ),
        expect.stringMatching(/properties\.template\.parameters\.retentionInDays: .* never used$/),
      ]);
    });
  });

  describe("dependencies", () => {
    it("reports a dependsOn entry that names no declared resource or copy loop", () => {
      const problems = problemsAfter((template) => {
        const site = resource(template, "Microsoft.Web/sites");
        site["dependsOn"] = ["[resourceId('Microsoft.Web/serverfarms', 'another-plan')]", "roleLoop"];
      });
      expect(problems).toEqual([
        expect.stringContaining(
          "resourceId('Microsoft.Web/serverfarms','another-plan') names no resource declared",
        ),
        expect.stringContaining("'roleLoop' names no resource or copy loop"),
      ]);
    });

    it("reports a dependsOn on a deployment in another resource group that omits the resource group", () => {
      const problems = problemsAfter((template) => {
        resource(template, "Microsoft.Insights/dataCollectionRules")["dependsOn"] = [
          "[resourceId('Microsoft.Resources/deployments', variables('workspaceContentDeploymentName'))]",
        ];
      });
      expect(problems).toEqual([expect.stringContaining("names no resource declared in this template")]);
    });

    it("reports a resourceId to a resource neither declared nor listed as existing", () => {
      const problems = problemsAfter((template) => {
        const insights = object(resource(template, "Microsoft.Insights/components")["properties"]);
        insights["WorkspaceResourceId"] =
          "[resourceId('Microsoft.OperationalInsights/workspaces', 'elsewhere')]";
      });
      expect(problems).toEqual([
        expect.stringContaining(
          "resourceId('Microsoft.OperationalInsights/workspaces','elsewhere') names no resource",
        ),
      ]);
    });
  });

  describe("role definitions", () => {
    it("reports a role id that is not the built-in role it claims to be", () => {
      const problems = problemsAfter((template) => {
        const roles = object(template["variables"])["roleAssignments"] as Json[];
        roles[3]!["roleDefinitionId"] = "b7e6dc6d-f1e8-4753-8033-0f2380b7a6e3";
        roles[0]!["role"] = "Log Analytics Contributor";
      });
      expect(problems).toEqual([
        "roleDefinitionId 73c42c96-874c-492b-b04d-ab87d138a893: 73c42c96-874c-492b-b04d-ab87d138a893 is the built-in role 'Log Analytics Reader', but is described as 'Log Analytics Contributor'",
        "roleDefinitionId b7e6dc6d-f1e8-4753-8033-0f2380b7a6e3: b7e6dc6d-f1e8-4753-8033-0f2380b7a6e3 is not one of the expected built-in roles",
      ]);
    });
  });

  describe("secrets", () => {
    it("reports keys read with list*() anywhere, and secret-looking app settings and outputs", () => {
      const problems = problemsAfter((template) => {
        appSettings(template).push(
          { name: "AzureWebJobsStorage", value: "[variables('storageAccountName')]" },
          { name: "ENRICHMENT_TABLE_CONNECTION", value: "UseDevelopmentStorage=true" },
          { name: "HOST_NOTE", value: "[format('AccountKey={0}', variables('storageAccountName'))]" },
        );
        object(template["outputs"])["storageKey"] = {
          type: "string",
          value: "[listKeys(variables('storageAccountName'), '2023-05-01').keys[0].value]",
        };
        object(template["outputs"])["token"] = { type: "secureString", value: "[parameters('appName')]" };
      });
      expect(problems).toEqual([
        expect.stringMatching(/^listKeys: listKeys\(\) reads keys or secrets/),
        expect.stringMatching(/^appSettings\.AzureWebJobsStorage: /),
        expect.stringMatching(/^appSettings\.ENRICHMENT_TABLE_CONNECTION: /),
        expect.stringMatching(/^appSettings\.HOST_NOTE: /),
        expect.stringMatching(/^outputs\.storageKey: /),
        expect.stringMatching(/^outputs\.token: /),
      ]);
    });

    it("exempts only the allowed settings from the name rule", () => {
      const copy = structuredClone(DEPLOY_TEMPLATE);
      expect(checkTemplate(copy, { ...CHECK_OPTIONS, allowedSettings: [] })).toEqual([
        expect.objectContaining({ path: "appSettings.APPLICATIONINSIGHTS_CONNECTION_STRING" }),
      ]);
    });
  });
});
