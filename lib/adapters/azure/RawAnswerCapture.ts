import type { LogsQueryClient } from "@azure/monitor-query-logs";

type PipelinePolicy = Parameters<LogsQueryClient["pipeline"]["addPolicy"]>[0];

/** The request header that ties a query call to its raw answer (sent to the service too; it is only an id). */
export const QUERY_ID_HEADER = "x-enrich-query-id";

/**
 * Keeps the raw body of the last answer to each tagged query call. `@azure/monitor-query-logs` 1.0.0 drops
 * `innererror` from the entries of a partial error's `details`, and that is exactly where the service says why a
 * result is partial ("Query result set has exceeded the internal record count limit 500000
 * (E_QUERY_RESULT_SET_TOO_LARGE)"): without it the job cannot tell a too-large answer, which a smaller query
 * avoids, from any other. Only a reference to the body text the SDK already holds is kept, until `take`.
 */
export class RawAnswerCapture {
  private readonly bodies = new Map<string, string>();

  /** Add to the client's pipeline once: `client.pipeline.addPolicy(capture.policy)`. */
  readonly policy: PipelinePolicy = {
    name: "enrichRawAnswerCapture",
    sendRequest: async (request, next) => {
      const response = await next(request);
      const id = request.headers.get(QUERY_ID_HEADER);
      if (id !== undefined && typeof response.bodyAsText === "string")
        this.bodies.set(id, response.bodyAsText);
      return response;
    },
  };

  /** The `error` object of the tagged call's last answer, as the service sent it (forgets the answer). */
  takeError(id: string): unknown {
    const body = this.bodies.get(id);
    this.bodies.delete(id);
    if (body === undefined) return undefined;
    try {
      return (JSON.parse(body) as { error?: unknown }).error;
    } catch {
      return undefined;
    }
  }

  /** Forgets the tagged call's answer (a successful query's body is not needed). */
  forget(id: string): void {
    this.bodies.delete(id);
  }
}
