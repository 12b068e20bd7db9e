import { randomUUID } from "node:crypto";

import type { LogAnalyticsErrorInfo } from "./LogAnalyticsFault.js";

/**
 * The error objects the Log Analytics double answers with when a test does not give its own. Codes and shapes are
 * the service's (documented error responses and the partial-error sample the SDK troubleshooting guides show);
 * the texts are written here.
 */
export const LOG_ANALYTICS_ERRORS = {
  /** `error` of a 200 partial result: a result-size limit hit by the engine. */
  partial: (): LogAnalyticsErrorInfo => ({
    code: "PartialError",
    message: "There were some errors when processing your query.",
    details: [
      {
        code: "EngineError",
        message: "Something went wrong processing your query on the server.",
        innererror: {
          code: "-2133196797",
          message:
            "Query result set has exceeded the internal record count limit 500000 (E_QUERY_RESULT_SET_TOO_LARGE)",
          severity: 2,
          severityName: "Error",
        },
      },
    ],
  }),
  badRequest: (): LogAnalyticsErrorInfo => ({
    code: "BadArgumentError",
    message: "The request had some invalid properties",
    correlationId: randomUUID(),
    innererror: { code: "SyntaxError", message: "A recognition error occurred in the query." },
  }),
  /** A handler that throws stands for a query the service cannot compile: a semantic error, not a crash. */
  semantic: (detail: string): LogAnalyticsErrorInfo => ({
    code: "BadArgumentError",
    message: "The request had some invalid properties",
    correlationId: randomUUID(),
    innererror: { code: "SemanticError", message: detail },
  }),
  throttled: (): LogAnalyticsErrorInfo => ({
    code: "ThrottledError",
    message: "Too many requests for this workspace; retry after the Retry-After interval.",
    correlationId: randomUUID(),
  }),
  serverError: (status: number): LogAnalyticsErrorInfo => {
    const code = { 502: "BadGateway", 503: "ServiceUnavailable", 504: "GatewayTimeout" }[status];
    return {
      code: code ?? "InternalServerError",
      message: `The service failed (${status}).`,
      correlationId: randomUUID(),
    };
  },
  gatewayTimeout: (waitSeconds: number): LogAnalyticsErrorInfo => ({
    code: "GatewayTimeout",
    message: "Gateway timeout",
    correlationId: randomUUID(),
    innererror: {
      code: "GatewayTimeout",
      message: `The query ran longer than its wait of ${waitSeconds} s.`,
    },
  }),
  unauthenticated: (): LogAnalyticsErrorInfo => ({
    code: "AuthenticationFailed",
    message: "Authentication failed. The 'Authorization' header is missing.",
  }),
  invalidToken: (): LogAnalyticsErrorInfo => ({
    code: "InvalidAuthenticationToken",
    message: "The access token is invalid.",
  }),
  noAccess: (): LogAnalyticsErrorInfo => ({
    code: "InsufficientAccessError",
    message: "The provided credentials have insufficient access to perform the requested operation",
    correlationId: randomUUID(),
  }),
  notFound: (path: string): LogAnalyticsErrorInfo => ({
    code: "PathNotFoundError",
    message: `The requested path does not exist: ${path}`,
    correlationId: randomUUID(),
  }),
} as const;
