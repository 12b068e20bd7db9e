import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";

import { makeAzuriteLocation } from "./makeAzuriteLocation.js";
import { waitForOutputLine } from "./waitForOutputLine.js";

/** The well-known development storage account that Azurite serves (public, documented, not a secret). */
export const DEVSTORE_ACCOUNT = "devstoreaccount1";
export const DEVSTORE_KEY =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

/** Options of {@link startAzurite}. */
export interface AzuriteOptions {
  /**
   * `memory` (default): `--inMemoryPersistence`, nothing touches the disk and a restart starts empty.
   * `disk`: data in `location` (default a temporary folder of this process, removed by a later run once this
   * process is gone), so a restart keeps it.
   */
  readonly persistence?: "memory" | "disk";
  readonly location?: string;
  /** How long to wait for Azurite to answer (default 20 s). */
  readonly startTimeoutMs?: number;
}

/** A running Azurite Table service. */
export interface Azurite {
  /** `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=…;TableEndpoint=http://127.0.0.1:<port>/devstoreaccount1;` */
  readonly connectionString: string;
  /** `http://127.0.0.1:<port>/devstoreaccount1`. */
  readonly endpoint: string;
  readonly port: number;
  /**
   * Spread into `TableClient`/`TableServiceClient` options. A connection string with an `http` TableEndpoint is
   * refused ("allowInsecureConnection is false") unless this is set; only `UseDevelopmentStorage=true` sets it by
   * itself, and that one is pinned to port 10002.
   */
  readonly clientOptions: { readonly allowInsecureConnection: true };
  /** The data folder, for `disk` persistence. */
  readonly location: string | undefined;
  /** Stops Azurite the way Ctrl+C does: it saves its data (disk persistence) before it exits. */
  stop(): Promise<void>;
  /** Kills Azurite at once, as a crash would: writes of the last few seconds may not be on disk. */
  crash(): Promise<void>;
  /** Starts Azurite again on the same port (stopping it first if it runs), with the same data for `disk`. */
  restart(): Promise<void>;
}

const require = createRequire(import.meta.url);
const AZURITE_TABLE_MAIN = require.resolve("azurite/dist/src/table/main.js");

/**
 * Runs Azurite's table service inside a small wrapper process so that it (a) reports the port it really bound, which
 * lets several test files each use a random port, and (b) exits when its parent does, even if the test worker is
 * killed before its `afterAll` runs: the wrapper watches its stdin pipe, which closes with the parent.
 */
const WRAPPER = `
const net = require("node:net");
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  this.once("listening", () => {
    const address = this.address();
    if (address && typeof address === "object") process.stdout.write("listening-port=" + address.port + "\\n");
  });
  return listen.apply(this, args);
};
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
const main = process.argv[1];
process.argv = [process.argv[0], main, ...process.argv.slice(2)];
require(main);
`;

const liveChildren = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of liveChildren) child.kill("SIGKILL");
});

/**
 * Starts `azurite-table` (azurite 3.35) on 127.0.0.1 and a free port, with telemetry off, and waits until it
 * answers. Stop it in `afterAll`; it also dies with the test process.
 *
 * @example const azurite = await startAzurite(); TableClient.fromConnectionString(azurite.connectionString, "T")
 */
export async function startAzurite(options: AzuriteOptions = {}): Promise<Azurite> {
  const timeoutMs = options.startTimeoutMs ?? 20_000;
  let location: string | undefined;
  if (options.persistence === "disk" || options.location !== undefined) {
    location = options.location ?? makeAzuriteLocation();
  }
  let child: ChildProcess | undefined;
  let port = 0;

  const launch = async (): Promise<void> => {
    const storage = location === undefined ? ["--inMemoryPersistence"] : ["--location", location];
    const args = [
      "--tableHost",
      "127.0.0.1",
      "--tablePort",
      String(port),
      "--silent",
      "--disableTelemetry",
      ...storage,
    ];
    const started = spawn(process.execPath, ["-e", WRAPPER, "--", AZURITE_TABLE_MAIN, ...args], {
      cwd: location ?? tmpdir(),
      stdio: ["pipe", "pipe", "pipe"],
    });
    child = started;
    liveChildren.add(started);
    started.once("exit", () => liveChildren.delete(started));
    port = await waitForPort(started, timeoutMs);
    await waitUntilAnswering(port, timeoutMs);
  };

  const halt = async (signal: "SIGINT" | "SIGKILL"): Promise<void> => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once("exit", () => resolve()));
    if (signal === "SIGINT") {
      // Azurite closes its store on SIGINT (saving it); the wrapper's open stdin would keep it alive after that.
      const closed = waitForOutputLine(running, /successfully closed/, 5_000).catch(() => undefined);
      running.kill("SIGINT");
      await closed;
      running.stdin?.end();
    }
    const killer = setTimeout(() => running.kill("SIGKILL"), signal === "SIGKILL" ? 0 : 2_000);
    await exited;
    clearTimeout(killer);
  };

  await launch();
  const endpoint = `http://127.0.0.1:${port}/${DEVSTORE_ACCOUNT}`;
  return {
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${DEVSTORE_ACCOUNT};AccountKey=${DEVSTORE_KEY};` +
      `TableEndpoint=${endpoint};`,
    endpoint,
    port,
    clientOptions: { allowInsecureConnection: true },
    location,
    stop: () => halt("SIGINT"),
    crash: () => halt("SIGKILL"),
    async restart() {
      await halt("SIGINT");
      await launch();
    },
  };
}

function waitForPort(child: ChildProcess, timeoutMs: number): Promise<number> {
  return waitForOutputLine(child, /listening-port=(\d+)/, timeoutMs).then((match) => Number(match[1]));
}

async function waitUntilAnswering(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      // Any HTTP answer (an unauthenticated request gets 403) proves the table service is up.
      await fetch(`http://127.0.0.1:${port}/${DEVSTORE_ACCOUNT}/Tables`);
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`expected Azurite to answer on 127.0.0.1:${port} within ${timeoutMs} ms`, {
          cause: error,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
