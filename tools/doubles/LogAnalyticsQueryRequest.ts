/** One query as the Log Analytics double received it: what the handler and the fault predicates see. */
export interface LogAnalyticsQueryRequest {
  readonly workspaceId: string;
  readonly query: string;
  /** ISO 8601 interval or duration from the body (`2024-05-01T00:00:00.000Z/2024-05-02T00:00:00.000Z`, `PT1H`). */
  readonly timespan: string | undefined;
  /** Additional workspaces from the body (`additionalWorkspaces` in the SDK). */
  readonly workspaces: readonly string[] | undefined;
  /** `wait=N` of the `Prefer` header: the server timeout the client asked for, in seconds. */
  readonly preferWait: number | undefined;
  /** The whole `Prefer` header (`wait=600,include-statistics=true`). */
  readonly prefer: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
}

/** Reads a query request from its workspace id, JSON body (`{ query, timespan?, workspaces? }`) and headers. */
export function parseLogAnalyticsQuery(
  workspaceId: string,
  body: Buffer,
  headers: Readonly<Record<string, string>>,
): LogAnalyticsQueryRequest {
  const fields = parseObject(body);
  const prefer = headers.prefer;
  return {
    workspaceId,
    query: typeof fields.query === "string" ? fields.query : "",
    timespan: typeof fields.timespan === "string" ? fields.timespan : undefined,
    workspaces: Array.isArray(fields.workspaces) ? fields.workspaces.map(String) : undefined,
    preferWait: preferredWait(prefer),
    prefer,
    headers,
  };
}

function parseObject(body: Buffer): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body.toString("utf8"));
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** `wait=N` of a `Prefer` header such as `wait=600,include-statistics=true` (RFC 7240 preferences). */
function preferredWait(prefer: string | undefined): number | undefined {
  const match = /(?:^|,)\s*wait=(\d+)/i.exec(prefer ?? "");
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
