import type { InvocationContext } from "@azure/functions";

import { parseConfig } from "../../job/config/parseConfig.js";
import type { JobDeps } from "../../job/ports.js";
import { createJobDeps } from "../azure/createJobDeps.js";

/**
 * The Functions app's composition root. The environment is read here and only here, once per instance; the
 * clients are built on first use and reused by every invocation. A configuration error is kept and thrown by each
 * invocation (failing it with the message that names every bad setting) instead of crashing the host at load.
 */
let deps: Promise<Omit<JobDeps, "log" | "now">> | undefined;

export type JobDepsFactory = () => Promise<Omit<JobDeps, "log" | "now">>;

export const getJobDeps: JobDepsFactory = () => {
  deps ??= Promise.resolve().then(() => createJobDeps(parseConfig(process.env)));
  // A failed start (e.g. table not reachable) is retried by the next invocation rather than cached forever.
  deps.catch(() => (deps = undefined));
  return deps;
};

/** The job's logger on top of an invocation's context. */
export function contextLogger(context: InvocationContext): JobDeps["log"] {
  return {
    info: (message) => context.log(message),
    warn: (message) => context.warn(message),
    error: (message) => context.error(message),
  };
}
