import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";

import { parseEnrichRequest } from "../lib/adapters/functions/parseEnrichRequest.js";
import { contextLogger, getJobDeps, type JobDepsFactory } from "../lib/adapters/functions/root.js";
import { toHttpError } from "../lib/adapters/functions/toHttpError.js";
import { toJsonRecord } from "../lib/core/records/toJsonRecord.js";
import { Deadline } from "../lib/job/Deadline.js";
import { runOnDemand } from "../lib/job/runOnDemand.js";

/**
 * On-demand enrichment: `GET|POST /api/enrich?from=…&to=…[&mode=precise|compat][&dryRun=true]` (or the same in a
 * JSON body). Answers 400 with every problem of the input, else the records as JSON. The run has its own budget
 * (ENRICH_HTTP_TIME_BUDGET, from the request's arrival), so it always answers before Azure's front end ends the
 * request (230 s): 200 with what it did (`complete: false` and `stoppedAt` when not everything was written), or
 * 503/500 with the same body, no records, the error and where it stopped. Never moves the watermark.
 */
export function createEnrichHttp(getDeps: JobDepsFactory, now: () => number = Date.now) {
  return async function enrichHttp(
    request: HttpRequest,
    context: InvocationContext,
  ): Promise<HttpResponseInit> {
    const received = now();
    const body = request.method === "POST" ? await readJsonBody(request) : {};
    if (body === undefined) return { status: 400, jsonBody: { errors: ["the body must be a JSON object"] } };
    try {
      const deps = await getDeps();
      const input = { ...body, ...Object.fromEntries(request.query.entries()) };
      const parsed = parseEnrichRequest(input, {
        mode: deps.config.engine.mode,
        maxSpanMs: deps.config.httpMaxSpanMs,
      });
      if (!parsed.ok) return { status: 400, jsonBody: { errors: parsed.problems } };
      const deadline = Deadline.after(deps.config.httpTimeBudgetMs, now, received);
      const result = await runOnDemand(
        parsed.params,
        { ...deps, log: contextLogger(context), now },
        deadline,
      );
      return {
        status: 200,
        jsonBody: {
          records: result.records.map(toJsonRecord),
          written: result.delivery ?? null,
          skipped: result.skipped,
          complete: result.complete,
          ...(result.stoppedAt === undefined ? {} : { stoppedAt: result.stoppedAt }),
        },
      };
    } catch (error) {
      const { status, message, stoppedAt } = toHttpError(error);
      context.error(`on-demand enrichment failed at ${stoppedAt}: ${message}`);
      return {
        status,
        jsonBody: { records: [], written: null, skipped: [], complete: false, stoppedAt, errors: [message] },
      };
    }
  };
}

async function readJsonBody(request: HttpRequest): Promise<Record<string, unknown> | undefined> {
  const text = await request.text();
  if (text.trim() === "") return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export const enrichHttp = createEnrichHttp(getJobDeps);

app.http("enrich", { methods: ["GET", "POST"], authLevel: "function", route: "enrich", handler: enrichHttp });
