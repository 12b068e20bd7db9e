import { createServer, request as forward } from "node:http";
import type { AddressInfo } from "node:net";

/** A plain-HTTP forwarder in front of Azurite that can hold each answer back, as a slow or throttled partition does. */
export interface SlowProxy {
  /** `http://127.0.0.1:<port>`: put it in place of the target's origin. */
  readonly origin: string;
  /** Milliseconds each answer is held before it is passed on (0: none). */
  delayMs: number;
  /** Requests forwarded so far. */
  readonly requests: number;
  close(): Promise<void>;
}

/**
 * Starts a forwarder to `target` (an `http://host:port` origin). Each request is passed on as it is; the answer is
 * held `delayMs` (read when the answer arrives) before it goes back: the service did the work, the client waits.
 */
export async function startSlowProxy(target: string): Promise<SlowProxy> {
  const to = new URL(target);
  let requests = 0;
  const proxy = {
    delayMs: 0,
    get requests() {
      return requests;
    },
  };
  const server = createServer((incoming, outgoing) => {
    requests += 1;
    const upstream = forward(
      {
        host: to.hostname,
        port: to.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => chunks.push(chunk));
        answer.on("end", () => {
          setTimeout(() => {
            outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
            outgoing.end(Buffer.concat(chunks));
          }, proxy.delayMs);
        });
      },
    );
    upstream.on("error", () => outgoing.destroy());
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(proxy, {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
