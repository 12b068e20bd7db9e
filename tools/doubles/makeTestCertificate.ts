import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A private key and the self-signed certificate for it, both PEM. */
export interface TestCertificate {
  readonly key: string;
  readonly cert: string;
}

let cached: Promise<TestCertificate> | undefined;

/**
 * Makes (once per process) a self-signed certificate for `localhost` and `127.0.0.1`, so the protocol doubles can
 * speak HTTPS: the Azure SDK clients refuse to send bearer tokens over plain http. The `openssl` command line does
 * the work in a temporary folder that is removed as soon as the PEM text has been read.
 */
export function makeTestCertificate(): Promise<TestCertificate> {
  cached ??= generate().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

async function generate(): Promise<TestCertificate> {
  const dir = await mkdtemp(join(tmpdir(), "test-cert-"));
  try {
    const keyPath = join(dir, "key.pem");
    const certPath = join(dir, "cert.pem");
    // An EC key keeps generation in the milliseconds; the IP SAN is what lets clients dial https://127.0.0.1.
    await run("openssl", [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-days",
      "2",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=DNS:localhost,IP:127.0.0.1",
      "-keyout",
      keyPath,
      "-out",
      certPath,
    ]).catch((error: unknown) => {
      throw new Error(`expected the openssl command line to make a test certificate in ${dir}`, {
        cause: error,
      });
    });
    return { key: await readFile(keyPath, "utf8"), cert: await readFile(certPath, "utf8") };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
