import { readdirSync, readFileSync } from "node:fs";
import Module from "node:module";
import { basename, dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

import {
  type BindingInfo,
  createFunctionsCoreDouble,
  type InvocationRequest,
  type LogLine,
} from "./functionsCoreApi.js";

/** A message from the parent: run one invocation. */
export interface InvokeMessage {
  readonly id: number;
  readonly name: string;
  readonly request: InvocationRequest;
}

/** A function as the host indexes it: the bindings the app declared, and with app settings resolved. */
export interface IndexedFunction {
  readonly name: string;
  readonly bindings: Readonly<Record<string, BindingInfo>>;
  readonly resolved: Readonly<Record<string, BindingInfo>>;
}

/** What the worker tells the parent. */
export type WorkerMessage =
  | { readonly kind: "indexed"; readonly functions: IndexedFunction[]; readonly model: string | undefined }
  | { readonly kind: "failed"; readonly error: string; readonly logs: LogLine[] }
  | {
      readonly kind: "result";
      readonly id: number;
      readonly response?: unknown;
      readonly error?: string;
      readonly logs: LogLine[];
    };

/**
 * The entry point of the Functions worker double (a child process of `startFunctionsWorker`, run from `dist/`): it
 * does what the Azure Functions Node.js worker does for this app. It provides the module `@azure/functions-core`
 * (the real worker hooks `require` the same way, since that module is the worker itself, not a package), loads the
 * app's entry points from `package.json`'s `main`, indexes the registered functions, resolving `%SETTING%` in their
 * bindings from the environment as the host does (a setting that does not resolve fails indexing), and then runs
 * the invocations the parent sends through the library's own programming model.
 */
async function main(): Promise<void> {
  const appRoot = process.argv[2] ?? process.cwd();
  const workerLogs: LogLine[] = [];
  const core = createFunctionsCoreDouble((line) => workerLogs.push(line));
  const prototype = Module.prototype as unknown as { require: (this: unknown, id: string) => unknown };
  const require = prototype.require;
  prototype.require = function (this: unknown, id: string) {
    return id === "@azure/functions-core" ? core.api : require.call(this, id);
  };

  for (const file of entryPoints(appRoot)) await import(pathToFileURL(file).href);
  const functions = [...core.functions.values()].map((registered) => ({
    name: registered.name,
    bindings: registered.bindings,
    resolved: resolveAppSettings(registered.name, registered.bindings),
  }));
  send({ kind: "indexed", functions, model: core.modelName });

  process.on("message", (message: InvokeMessage) => {
    core.invoke(message.name, message.request).then(
      ({ response, logs }) => send({ kind: "result", id: message.id, response, logs }),
      (error: unknown) =>
        send({
          kind: "result",
          id: message.id,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
          logs: [],
        }),
    );
  });
}

/** The files `package.json`'s `main` names: one path, or one `*` pattern in the file name (`dist/functions/*.js`). */
function entryPoints(appRoot: string): string[] {
  const main = (JSON.parse(readFileSync(join(appRoot, "package.json"), "utf8")) as { main?: string }).main;
  if (main === undefined) throw new Error(`expected a "main" in ${join(appRoot, "package.json")}`);
  const folder = join(appRoot, dirname(main));
  const pattern = basename(main);
  if (!pattern.includes("*")) return [join(folder, pattern)];
  const matcher = new RegExp(`^${pattern.split("*").map(escapeRegExp).join("[^/]*")}$`);
  return readdirSync(folder)
    .filter((name) => matcher.test(name))
    .sort()
    .map((name) => join(folder, name));
}

/** The bindings with each `%NAME%` replaced by the app setting, as the host does when it indexes a function. */
function resolveAppSettings(
  functionName: string,
  bindings: Readonly<Record<string, BindingInfo>>,
): Record<string, BindingInfo> {
  const resolve = (value: unknown): unknown =>
    typeof value !== "string"
      ? value
      : value.replace(/%([^%]+)%/g, (_, name: string) => {
          const setting = process.env[name];
          if (setting === undefined || setting === "") {
            throw new Error(
              `The function '${functionName}' is in error: '%${name}%' does not resolve to a value (app setting ${name}).`,
            );
          }
          return setting;
        });
  return Object.fromEntries(
    Object.entries(bindings).map(([name, binding]) => [
      name,
      Object.fromEntries(Object.entries(binding).map(([key, value]) => [key, resolve(value)])) as BindingInfo,
    ]),
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function send(message: WorkerMessage): void {
  process.send?.(message);
}

main().catch((error: unknown) => {
  send({
    kind: "failed",
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    logs: [],
  });
  process.exitCode = 1;
});
