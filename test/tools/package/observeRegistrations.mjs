// Loads a function app the way the Azure Functions Node.js worker does, and prints what it registered.
//
//   node observeRegistrations.mjs <app folder>
//
// The worker hands `@azure/functions` its runtime API as the module `@azure/functions-core`, then imports every
// file that `main` in the app's package.json names. This script provides that module to record each
// `registerFunction` call (name and bindings), imports the same files, and prints the registrations as JSON.
// Everything else is loaded from the app folder's own node_modules.
import { readdirSync, readFileSync } from "node:fs";
import Module from "node:module";
import { join } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";

const appDir = process.argv[2];
if (appDir === undefined) throw new Error("usage: node observeRegistrations.mjs <app folder>");

const registrations = [];
let programmingModel;
const coreApi = {
  setProgrammingModel: (model) => (programmingModel = model),
  getProgrammingModel: () => programmingModel,
  registerFunction: (metadata) => {
    registrations.push({ name: metadata.name, bindings: metadata.bindings });
    return { dispose() {} };
  },
  registerHook: () => ({ dispose() {} }),
  log: () => {},
};
const load = Module._load;
Module._load = function (request, ...rest) {
  return request === "@azure/functions-core" ? coreApi : load.call(this, request, ...rest);
};

// `main` is one folder and a `*.js` pattern, as the worker accepts it.
const { main } = JSON.parse(readFileSync(join(appDir, "package.json"), "utf8"));
const match = /^(.+)\/\*\.js$/.exec(main);
if (match === null) throw new Error(`expected main to be <folder>/*.js, got ${main}`);
const folder = join(appDir, match[1]);
for (const file of readdirSync(folder)
  .filter((name) => name.endsWith(".js"))
  .sort()) {
  await import(pathToFileURL(join(folder, file)).href);
}
process.stdout.write(
  JSON.stringify({ model: programmingModel?.name, version: programmingModel?.version, registrations }),
);
