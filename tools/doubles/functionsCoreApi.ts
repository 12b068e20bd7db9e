import { randomUUID } from "node:crypto";

/**
 * The part of `@azure/functions-core` that `@azure/functions` v4 uses, written from the Node.js worker's published
 * type declarations: the library registers each function (`registerFunction`) and its programming model
 * (`setProgrammingModel`); for each invocation the worker asks the model for an invocation model, which turns the
 * host's request into the handler's arguments, runs the handler and turns its result into the host's response.
 */

/** A binding as the library declares it (`type`, `direction`, and the trigger's own properties). */
export type BindingInfo = { readonly type: string; readonly direction?: string } & Readonly<
  Record<string, unknown>
>;

/** The host's typed data: the forms the double sends and reads. */
export interface TypedData {
  readonly string?: string;
  readonly json?: string;
  readonly bytes?: Uint8Array;
  readonly http?: HttpData;
}

/** An HTTP request or response as the host passes it (`RpcHttpData`). */
export interface HttpData {
  readonly method?: string;
  readonly url?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
  readonly params?: Readonly<Record<string, string>>;
  readonly statusCode?: string;
  readonly body?: TypedData;
}

/** What the host sends for one invocation: the trigger's (and inputs') data by binding name. */
export interface InvocationRequest {
  readonly inputData: readonly { readonly name: string; readonly data: TypedData }[];
  readonly triggerMetadata?: Readonly<Record<string, TypedData>>;
}

/** What the model answers: the return value (an HTTP response for HTTP triggers) and output bindings. */
export interface InvocationResponse {
  readonly returnValue?: TypedData | null;
  readonly outputData?: readonly { readonly name?: string | null; readonly data?: TypedData | null }[];
}

type Callback = (...args: unknown[]) => unknown;

interface InvocationModel {
  getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
  invokeFunction(context: unknown, inputs: unknown[], callback: Callback): Promise<unknown>;
  getResponse(context: unknown, result: unknown): Promise<InvocationResponse>;
}

interface ProgrammingModel {
  readonly name: string;
  readonly version: string;
  getInvocationModel(coreContext: unknown): InvocationModel;
}

/** A function the app registered, as the worker indexed it. */
export interface RegisteredFunction {
  readonly name: string;
  readonly bindings: Readonly<Record<string, BindingInfo>>;
  readonly callback: Callback;
}

/** One log line of an invocation or of the worker (`level`, `category`: "user" or "system"). */
export interface LogLine {
  readonly level: string;
  readonly category: string;
  readonly message: string;
}

/** The double of the worker's core module, and what the double needs to act as the host. */
export interface FunctionsCoreDouble {
  /** What `require("@azure/functions-core")` returns to the library. */
  readonly api: Readonly<Record<string, unknown>>;
  readonly functions: ReadonlyMap<string, RegisteredFunction>;
  /** The programming model the library set, if any (the library sets it with its first registration). */
  readonly modelName: string | undefined;
  /** Runs one invocation of `name` as the worker does; the handler's error rejects it. */
  invoke(
    name: string,
    request: InvocationRequest,
  ): Promise<{ response: InvocationResponse; logs: LogLine[] }>;
}

/** Creates the core module double: registrations are kept, invocations go through the library's own model. */
export function createFunctionsCoreDouble(workerLog: (line: LogLine) => void): FunctionsCoreDouble {
  const functions = new Map<string, RegisteredFunction>();
  let model: ProgrammingModel | undefined;
  const api = {
    version: "4.0.0-double",
    hostVersion: "4.1000.0-double",
    registerFunction(metadata: { name: string; bindings: Record<string, BindingInfo> }, callback: Callback) {
      if (functions.has(metadata.name))
        throw new Error(`A function named "${metadata.name}" is already registered`);
      functions.set(metadata.name, { name: metadata.name, bindings: metadata.bindings, callback });
      return { dispose: () => functions.delete(metadata.name) };
    },
    setProgrammingModel(programmingModel: ProgrammingModel) {
      model = programmingModel;
    },
    getProgrammingModel() {
      return model;
    },
    registerHook() {
      return { dispose: () => undefined };
    },
    log(level: string, category: string, message: string) {
      workerLog({ level, category, message });
    },
  };
  return {
    api,
    functions,
    get modelName() {
      return model?.name;
    },
    async invoke(name, request) {
      const registered = functions.get(name);
      if (registered === undefined) throw new Error(`No function named "${name}" is registered`);
      if (model === undefined) throw new Error("The app registered functions without a programming model");
      const invocationId = randomUUID();
      const logs: LogLine[] = [];
      const coreContext: { state: string | undefined } & Record<string, unknown> = {
        invocationId,
        request: { invocationId, functionId: name, ...request },
        metadata: { name, bindings: registered.bindings },
        state: undefined,
        log: (level: string, category: string, message: string) => logs.push({ level, category, message }),
      };
      const invocation = model.getInvocationModel(coreContext);
      const { context, inputs } = await invocation.getArguments();
      coreContext.state = "invocation";
      const result = await invocation.invokeFunction(context, inputs, registered.callback);
      coreContext.state = undefined;
      return { response: await invocation.getResponse(context, result), logs };
    },
  };
}
