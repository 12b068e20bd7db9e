import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";

import type { TestCertificate } from "./makeTestCertificate.js";

/** Handles one request; `signal` is aborted when the server is closed, so delayed answers stop waiting. */
export type ExchangeHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  signal: AbortSignal,
) => Promise<void>;

/** A test server on 127.0.0.1 and a random port, with a close that does not wait for keep-alive sockets. */
export interface TestHttpsServer {
  /** `https://127.0.0.1:<port>` (`http://` for {@link startTestHttpServer}), without a trailing slash. */
  readonly url: string;
  readonly port: number;
  /** Aborts delayed answers, destroys every open socket and stops listening. */
  close(): Promise<void>;
}

/**
 * Starts the HTTPS listener that the protocol doubles share. The SDK clients keep connections alive, so closing
 * destroys the sockets it has seen instead of waiting for the clients to let go.
 */
export function startTestHttpsServer(
  cert: TestCertificate,
  handle: ExchangeHandler,
): Promise<TestHttpsServer> {
  return listen(
    (onRequest) => createServer({ key: cert.key, cert: cert.cert }, onRequest),
    "secureConnection",
    "https",
    handle,
  );
}

/**
 * The same on plain HTTP, for the endpoints that Azure serves so (the managed identity endpoint of App Service is
 * `http://127.0.0.1:<port>/…` inside the instance).
 */
export function startTestHttpServer(handle: ExchangeHandler): Promise<TestHttpsServer> {
  return listen((onRequest) => createHttpServer(onRequest), "connection", "http", handle);
}

async function listen(
  create: (onRequest: (request: IncomingMessage, response: ServerResponse) => void) => Server,
  connectionEvent: "connection" | "secureConnection",
  scheme: "http" | "https",
  handle: ExchangeHandler,
): Promise<TestHttpsServer> {
  const closing = new AbortController();
  const sockets = new Set<Socket>();
  const server = create((request, response) => {
    handle(request, response, closing.signal).catch((error: unknown) => {
      if (closing.signal.aborted) {
        response.destroy();
        return;
      }
      // A fault in the double itself: answer like a broken service would, and keep the cause readable.
      if (!response.headersSent) {
        response.writeHead(500, { "content-type": "text/plain" });
      }
      response.end(
        `test double failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    });
  });
  server.on(connectionEvent, (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing.abort();
        for (const socket of sockets) {
          socket.destroy();
        }
        server.close(() => resolve());
      });
      return closed;
    },
  };
}
