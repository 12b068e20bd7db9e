import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";

/** Reads the whole request body. */
export async function readRequestBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Answers with a JSON body, as the Azure services do (`application/json; charset=utf-8`). */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

/** The request headers as one string per (lower-case) name, for recording and assertions. */
export function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) {
      flat[name] = Array.isArray(value) ? value.join(", ") : value;
    }
  }
  return flat;
}

/** The token of an `Authorization: Bearer …` header, or undefined when there is none. */
export function bearerTokenOf(headers: IncomingHttpHeaders): string | undefined {
  const match = /^Bearer (.+)$/i.exec(headers.authorization ?? "");
  return match?.[1];
}

/** Resolves after `ms`, or rejects as soon as `signal` is aborted (the double is closing). */
export function waitFor(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      reject(new Error("the test double closed"));
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new Error("the test double closed"));
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
