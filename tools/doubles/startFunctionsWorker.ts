import { type ChildProcess, fork } from "node:child_process";
import { join } from "node:path";

import type { HttpData, InvocationRequest, LogLine } from "./functionsCoreApi.js";
import type { IndexedFunction, InvokeMessage, WorkerMessage } from "./runFunctionsWorker.js";

/** How an invocation ended: its log lines and, for HTTP, the response; `error` when the handler threw. */
export interface InvocationOutcome {
  readonly logs: readonly LogLine[];
  readonly error?: string;
  readonly http?: {
    readonly status: number;
    readonly headers: Readonly<Record<string, string>>;
    readonly body: string;
  };
}

/** A running Functions worker double with the app loaded. */
export interface FunctionsWorker {
  /** The functions the app registered, as the host indexed them. */
  readonly functions: readonly IndexedFunction[];
  /** The programming model the app's library set (`@azure/functions`). */
  readonly model: string | undefined;
  /** Fires a timer trigger as the host does when its schedule is due. */
  invokeTimer(name: string): Promise<InvocationOutcome>;
  /** Sends an HTTP request to an HTTP-triggered function as the host does. */
  invokeHttp(
    name: string,
    request: { method: string; url: string; body?: string },
  ): Promise<InvocationOutcome>;
  /** What the worker printed on standard error. */
  stderr(): string;
  close(): Promise<void>;
}

/**
 * Starts the Functions worker double (`runFunctionsWorker`, compiled under `dist/`, so `npm run build` first) in a
 * child process whose environment is `env` and nothing else, loads the app at `appRoot` as the host does, and
 * resolves once the app's functions are indexed. Rejects with the worker's reason when loading or indexing fails.
 */
export async function startFunctionsWorker(options: {
  appRoot: string;
  env: Readonly<Record<string, string>>;
  timeoutMs?: number;
}): Promise<FunctionsWorker> {
  const script = join(options.appRoot, "dist", "tools", "doubles", "runFunctionsWorker.js");
  const child = fork(script, [options.appRoot], {
    cwd: options.appRoot,
    env: { ...options.env },
    stdio: ["ignore", "ignore", "pipe", "ipc"],
    serialization: "advanced",
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const pending = new Map<number, (message: WorkerMessage & { kind: "result" }) => void>();
  const indexed = new Promise<WorkerMessage & { kind: "indexed" }>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the Functions worker double did not index the app in time:\n${stderr}`)),
      options.timeoutMs ?? 30_000,
    );
    child.on("message", (message: WorkerMessage) => {
      if (message.kind === "indexed") {
        clearTimeout(timer);
        resolve(message);
      } else if (message.kind === "failed") {
        clearTimeout(timer);
        reject(new Error(`the Functions worker double failed to load the app: ${message.error}`));
      } else {
        pending.get(message.id)?.(message);
        pending.delete(message.id);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      const error = `the Functions worker double exited (${code}):\n${stderr}`;
      reject(new Error(error));
      for (const [id, resolve] of pending) resolve({ kind: "result", id, error, logs: [] });
      pending.clear();
    });
  });
  const { functions, model } = await indexed;
  let ids = 0;
  const invoke = (name: string, request: InvocationRequest): Promise<WorkerMessage & { kind: "result" }> =>
    new Promise((resolve) => {
      const id = (ids += 1);
      pending.set(id, resolve);
      child.send({ id, name, request } satisfies InvokeMessage);
    });
  const triggerOf = (name: string, type: string): string => {
    const found = functions.find((indexedFunction) => indexedFunction.name === name);
    const trigger = Object.entries(found?.bindings ?? {}).find(([, binding]) => binding.type === type);
    if (trigger === undefined) throw new Error(`expected a function "${name}" with a ${type} binding`);
    return trigger[0];
  };
  return {
    functions,
    model,
    async invokeTimer(name) {
      // The host's TimerInfo, as JSON (the library turns its PascalCase into camelCase).
      const timer = { Schedule: { AdjustForDST: true }, ScheduleStatus: null, IsPastDue: false };
      const result = await invoke(name, {
        inputData: [{ name: triggerOf(name, "timerTrigger"), data: { json: JSON.stringify(timer) } }],
      });
      return { logs: result.logs, ...(result.error === undefined ? {} : { error: result.error }) };
    },
    async invokeHttp(name, request) {
      const url = new URL(request.url);
      const http: HttpData = {
        method: request.method,
        url: request.url,
        headers: { "content-type": "application/json" },
        query: Object.fromEntries(url.searchParams.entries()),
        params: {},
        ...(request.body === undefined ? {} : { body: { string: request.body } }),
      };
      const result = await invoke(name, {
        inputData: [{ name: triggerOf(name, "httpTrigger"), data: { http } }],
      });
      const returned = (result.response as { returnValue?: { http?: HttpData } } | undefined)?.returnValue
        ?.http;
      return {
        logs: result.logs,
        ...(result.error === undefined ? {} : { error: result.error }),
        ...(returned === undefined
          ? {}
          : {
              http: {
                status: Number(returned.statusCode ?? 200),
                headers: { ...returned.headers },
                body: Buffer.from(returned.body?.bytes ?? new Uint8Array()).toString("utf8"),
              },
            }),
      };
    },
    stderr: () => stderr,
    close: () => stop(child),
  };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill();
  });
}
