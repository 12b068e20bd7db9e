// Copies the readable sources of the Sentinel content into the deployment template, which must carry them
// inline to deploy from a single URL ("Deploy to Azure"):
//   infra/workbook.json      -> the workbook's properties.serializedData (a JSON string)
//   infra/analyticsRule.json -> the analytics rule deployment's properties.template (unchanged)
// Run it by hand after editing either file: `node infra/embedContent.mjs`. test/infra fails until you do.
import console from "node:console";
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath, URL } from "node:url";

import * as prettier from "prettier";

const root = new URL("../", import.meta.url);
const templateUrl = new URL("infra/azuredeploy.json", root);

async function readJson(path) {
  return JSON.parse(await readFile(new URL(path, root), "utf8"));
}

function* resourcesOf(template) {
  for (const resource of template.resources ?? []) {
    yield resource;
    if (resource.properties?.template !== undefined) yield* resourcesOf(resource.properties.template);
  }
}

function only(resources, what) {
  if (resources.length !== 1) {
    throw new Error(`expected exactly one ${what} in infra/azuredeploy.json, found ${resources.length}`);
  }
  return resources[0];
}

const before = await readFile(templateUrl, "utf8");
const template = JSON.parse(before);
const resources = [...resourcesOf(template)];

const workbook = only(
  resources.filter((resource) => resource.type === "Microsoft.Insights/workbooks"),
  "Microsoft.Insights/workbooks resource",
);
// Compact JSON: the portal stores serializedData this way, and tests compare it to this exact form.
workbook.properties.serializedData = JSON.stringify(await readJson("infra/workbook.json"));

const ruleDeployment = only(
  resources.filter(
    (resource) =>
      resource.type === "Microsoft.Resources/deployments" &&
      resource.comments?.includes("infra/analyticsRule.json"),
  ),
  "deployment whose comments name infra/analyticsRule.json",
);
ruleDeployment.properties.template = await readJson("infra/analyticsRule.json");

const path = fileURLToPath(templateUrl);
const options = (await prettier.resolveConfig(path)) ?? {};
const after = await prettier.format(JSON.stringify(template, null, 2), { ...options, filepath: path });
if (after === before) {
  console.log("infra/azuredeploy.json already embeds the current workbook and analytics rule");
} else {
  await writeFile(templateUrl, after);
  console.log("infra/azuredeploy.json updated");
}
