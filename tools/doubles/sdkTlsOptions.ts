import type { TestCertificate } from "./makeTestCertificate.js";

/** Client options that make an Azure SDK client trust the test certificate (and only it) for its own requests. */
export interface SdkTlsOptions {
  readonly tlsOptions: { readonly ca: string };
}

const byCertificate = new WeakMap<TestCertificate, SdkTlsOptions>();

/**
 * What to spread into `LogsQueryClient`, `LogsIngestionClient` (or any core-rest-pipeline client) options so that
 * it trusts the doubles' self-signed certificate without turning TLS checks off for the process.
 *
 * `tlsOptions` is a `PipelineOptions` field: core-rest-pipeline adds its TLS policy, which sets
 * `request.tlsSettings`, and the Node HTTP client builds an `https.Agent({ keepAlive, ...tlsSettings })` for it.
 * That agent is cached in the shared default client by the identity of the settings object, so one object is
 * handed out per certificate, not a new one per client.
 *
 * @example new LogsQueryClient(staticTokenCredential(), { endpoint: `${server.url}/v1`, ...sdkTlsOptions(cert) })
 */
export function sdkTlsOptions(cert: TestCertificate): SdkTlsOptions {
  let options = byCertificate.get(cert);
  if (options === undefined) {
    options = Object.freeze({ tlsOptions: Object.freeze({ ca: cert.cert }) });
    byCertificate.set(cert, options);
  }
  return options;
}
