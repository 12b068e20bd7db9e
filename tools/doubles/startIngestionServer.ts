import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

import { decodeIngestionBody } from "./decodeIngestionBody.js";
import { FaultQueue } from "./FaultQueue.js";
import { bearerTokenOf, flattenHeaders, readRequestBody, sendJson, waitFor } from "./httpExchange.js";
import { ingestionError } from "./ingestionErrors.js";
import type { IngestionErrorInfo, IngestionFault } from "./IngestionFault.js";
import { makeTestCertificate, type TestCertificate } from "./makeTestCertificate.js";
import { type SdkTlsOptions, sdkTlsOptions } from "./sdkTlsOptions.js";
import { startTestHttpsServer } from "./startTestHttpsServer.js";
import { TEST_BEARER_TOKEN } from "./staticTokenCredential.js";

/** A row the Logs Ingestion API accepted for the custom table, as this double keeps it. */
export interface ReceivedRow {
  readonly row: Readonly<Record<string, unknown>>;
  /** Epoch ms the service accepted it (`_TimeReceived`). */
  readonly receivedAt: number;
  /** The identity the service gave the row (`_ItemId`). */
  readonly itemId: string;
}

/** One upload request, decoded: what the fault predicates see. */
export interface IngestionRequest {
  /** 1-based arrival order of every upload request, retries included. */
  readonly index: number;
  /** 1-based number of this body among distinct bodies, in arrival order (the SDK sends up to 5 at once). */
  readonly chunk: number;
  /** 1-based count of times this same body arrived (2 on the first retry). */
  readonly attempt: number;
  readonly ruleId: string;
  readonly stream: string;
  readonly apiVersion: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  /** Bytes on the wire (gzip) and once decoded. */
  readonly wireBytes: number;
  readonly bodyBytes: number;
  readonly rows: readonly Record<string, unknown>[];
}

/**
 * An upload request and how the double answered it (`status` is undefined for a dropped connection); `stored` says
 * whether its rows were kept (a `lostAnswer` keeps them and answers nothing).
 */
export interface RecordedIngestionRequest extends IngestionRequest {
  status: number | undefined;
  fault: IngestionFault["kind"] | undefined;
  stored: boolean;
}

/** Options of {@link startIngestionServer}. */
export interface IngestionServerOptions {
  /** Bearer token to accept (default `TEST_BEARER_TOKEN`); others get 403. */
  readonly token?: string;
  /** Streams the rule declares; others get 400 (default: any). */
  readonly streams?: readonly string[];
  /** Largest decoded body accepted; larger ones get 413 (default 1 MiB, the service's limit per call). */
  readonly maxBodyBytes?: number;
  readonly certificate?: TestCertificate;
  /** The service's clock, stamped on each stored row as the time it was received (default `Date.now`). */
  readonly clock?: () => number;
}

/** A running Logs Ingestion double. */
export interface IngestionServer {
  /** `https://127.0.0.1:<port>`: the `endpoint` argument of `new LogsIngestionClient(endpoint, …)`. */
  readonly endpoint: string;
  /** Spread into `LogsIngestionClient` options: the TLS trust of the test certificate. */
  readonly clientOptions: SdkTlsOptions;
  readonly certificate: TestCertificate;
  readonly requests: readonly RecordedIngestionRequest[];
  readonly faults: FaultQueue<IngestionRequest, IngestionFault>;
  /** The most requests that were being handled at once (the SDK's `maxConcurrency`, 5 by default). */
  readonly peakConcurrency: number;
  /** The rows stored for a stream, in arrival order: those answered 204 and those whose answer was lost. */
  rowsOf(stream: string): readonly Record<string, unknown>[];
  /** The same rows with the time each was received and the `_ItemId` the service gave it (one per copy). */
  receivedOf(stream: string): readonly ReceivedRow[];
  /** Forgets every stored row and recorded request (a fresh workspace for the next case). */
  clear(): void;
  close(): Promise<void>;
}

const UPLOAD_PATH = /^\/dataCollectionRules\/([^/]+)\/streams\/([^/]+)$/;
const API_VERSION = "2023-01-01";

/**
 * Starts an HTTPS double of the Logs Ingestion API as `LogsIngestionClient.upload` of `@azure/monitor-ingestion`
 * 1.2.0 calls it: `POST /dataCollectionRules/{ruleId}/streams/{stream}?api-version=2023-01-01`, a gzip-encoded
 * JSON array of at most ~1 MB, answered 204. It stores the decoded rows of every accepted chunk per stream, with
 * the time received and an `_ItemId` of their own (a chunk sent twice is stored twice, as the service does),
 * records each request, and injects the queued faults.
 */
export async function startIngestionServer(options: IngestionServerOptions = {}): Promise<IngestionServer> {
  const certificate = options.certificate ?? (await makeTestCertificate());
  const token = options.token ?? TEST_BEARER_TOKEN;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const clock = options.clock ?? Date.now;
  const requests: RecordedIngestionRequest[] = [];
  const faults = new FaultQueue<IngestionRequest, IngestionFault>();
  const stored = new Map<string, ReceivedRow[]>();
  let itemIds = 0;
  const store = (stream: string, rows: readonly Record<string, unknown>[]): void => {
    const kept = stored.get(stream) ?? [];
    const receivedAt = clock();
    for (const row of rows) kept.push({ row, receivedAt, itemId: itemIdOf((itemIds += 1)) });
    stored.set(stream, kept);
  };
  const chunkNumbers = new Map<string, number>();
  const attempts = new Map<string, number>();
  let inFlight = 0;
  let peakConcurrency = 0;

  const handle = async (
    request: IncomingMessage,
    response: ServerResponse,
    signal: AbortSignal,
  ): Promise<void> => {
    const url = new URL(request.url ?? "/", "https://double");
    const route = UPLOAD_PATH.exec(url.pathname);
    const fail = (
      status: number,
      error: IngestionErrorInfo,
      headers: Record<string, string> = {},
    ): number => {
      sendJson(response, status, { error }, { "x-ms-error-code": error.code, ...headers });
      return status;
    };
    if (request.method !== "POST" || route?.[1] === undefined || route[2] === undefined) {
      fail(404, ingestionError(404, `No ingestion route for ${request.method ?? "?"} ${url.pathname}.`));
      return;
    }
    const wire = await readRequestBody(request);
    const headers = flattenHeaders(request.headers);
    const body = decodeIngestionBody(wire, headers["content-encoding"]);
    const digest = createHash("sha256").update(body.bytes).digest("hex");
    if (!chunkNumbers.has(digest)) chunkNumbers.set(digest, chunkNumbers.size + 1);
    attempts.set(digest, (attempts.get(digest) ?? 0) + 1);
    const upload: IngestionRequest = {
      index: requests.length + 1,
      chunk: chunkNumbers.get(digest) ?? 0,
      attempt: attempts.get(digest) ?? 0,
      ruleId: decodeURIComponent(route[1]),
      stream: decodeURIComponent(route[2]),
      apiVersion: url.searchParams.get("api-version") ?? undefined,
      headers,
      wireBytes: wire.length,
      bodyBytes: body.bytes.length,
      rows: body.rows ?? [],
    };
    const recorded: RecordedIngestionRequest = {
      ...upload,
      status: undefined,
      fault: undefined,
      stored: false,
    };
    requests.push(recorded);

    const presented = bearerTokenOf(request.headers);
    if (presented === undefined) {
      recorded.status = fail(401, ingestionError(401, "The request has no Authorization header."));
      return;
    }
    if (presented !== token) {
      recorded.status = fail(403, ingestionError(403, "The access token is not accepted."));
      return;
    }
    if (upload.apiVersion !== API_VERSION) {
      recorded.status = fail(400, ingestionError(400, `Expected api-version=${API_VERSION}.`));
      return;
    }
    if (options.streams !== undefined && !options.streams.includes(upload.stream)) {
      recorded.status = fail(400, {
        code: "InvalidStream",
        message: `The rule declares no stream ${upload.stream}.`,
      });
      return;
    }
    if (upload.bodyBytes > maxBodyBytes) {
      recorded.status = fail(
        413,
        ingestionError(413, `Maximum allowed content length: ${maxBodyBytes} bytes.`),
      );
      return;
    }
    if (body.rows === undefined) {
      recorded.status = fail(400, ingestionError(400, `Expected a JSON array of objects: ${body.problem}`));
      return;
    }

    const fault = faults.take(upload);
    recorded.fault = fault?.kind;
    if (fault?.delayMs !== undefined) {
      await waitFor(fault.delayMs, signal);
    }
    switch (fault?.kind) {
      case "drop":
        response.destroy();
        return;
      case "lostAnswer":
        // The service stored the chunk; the answer never reaches the client, which sends it again.
        store(upload.stream, body.rows);
        recorded.stored = true;
        response.destroy();
        return;
      case "throttled":
        recorded.status = fail(429, fault.error ?? ingestionError(429, "Too many requests for this rule."), {
          "retry-after": String(fault.retryAfterSeconds),
        });
        return;
      case "reject":
        recorded.status = fail(
          fault.status,
          fault.error ?? ingestionError(fault.status, `The chunk was rejected (${fault.status}).`),
          fault.retryAfterSeconds === undefined ? {} : { "retry-after": String(fault.retryAfterSeconds) },
        );
        return;
      case "slow":
      case undefined:
        break;
    }
    store(upload.stream, body.rows);
    recorded.stored = true;
    recorded.status = 204;
    response.writeHead(204);
    response.end();
  };

  const server = await startTestHttpsServer(certificate, async (request, response, signal) => {
    inFlight += 1;
    peakConcurrency = Math.max(peakConcurrency, inFlight);
    try {
      await handle(request, response, signal);
    } finally {
      inFlight -= 1;
    }
  });
  return {
    endpoint: server.url,
    get peakConcurrency() {
      return peakConcurrency;
    },
    clientOptions: sdkTlsOptions(certificate),
    certificate,
    requests,
    faults,
    rowsOf: (stream) => (stored.get(stream) ?? []).map((entry) => entry.row),
    receivedOf: (stream) => stored.get(stream) ?? [],
    clear() {
      stored.clear();
      requests.length = 0;
      chunkNumbers.clear();
      attempts.clear();
      faults.clear();
    },
    close: () => server.close(),
  };
}

/** A GUID-shaped `_ItemId`, unique per stored row of this double. */
function itemIdOf(n: number): string {
  return `00000000-0000-4000-9000-${n.toString(16).padStart(12, "0")}`;
}
