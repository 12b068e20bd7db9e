import { sendJson } from "./httpExchange.js";
import { startTestHttpServer } from "./startTestHttpsServer.js";
import { TEST_BEARER_TOKEN } from "./staticTokenCredential.js";

/** One token request the double received. */
export interface ManagedIdentityRequest {
  readonly resource: string | undefined;
  readonly clientId: string | undefined;
  readonly apiVersion: string | undefined;
  readonly status: number;
}

/** Options of {@link startManagedIdentityServer}. */
export interface ManagedIdentityServerOptions {
  /** The user-assigned identity the app runs as; a request for another `client_id` gets 400 (default: any). */
  readonly clientId?: string;
  /** The token it issues (default `TEST_BEARER_TOKEN`, which the other doubles accept). */
  readonly token?: string;
}

/** A running managed identity endpoint double. */
export interface ManagedIdentityServer {
  /** `IDENTITY_ENDPOINT`: `http://127.0.0.1:<port>/msi/token`, plain HTTP as on App Service. */
  readonly endpoint: string;
  /** `IDENTITY_HEADER`: the secret a caller must send back as `X-IDENTITY-HEADER`. */
  readonly secret: string;
  readonly requests: readonly ManagedIdentityRequest[];
  close(): Promise<void>;
}

const API_VERSION = "2019-08-01";
const TOKEN_LIFETIME_SECONDS = 24 * 3600;

/**
 * Starts a double of the token endpoint that App Service and Flex Consumption give a function app's managed
 * identity (`IDENTITY_ENDPOINT` and `IDENTITY_HEADER`), as `ManagedIdentityCredential` of `@azure/identity` 4 calls
 * it through MSAL: `GET ?api-version=2019-08-01&resource=<audience>[&client_id=<id>]` with the secret in
 * `X-IDENTITY-HEADER`, answered `{ access_token, expires_on, resource, token_type, client_id }` (`expires_on` in
 * epoch seconds, as text). A missing or wrong secret gets 401, another API version or identity 400.
 */
export async function startManagedIdentityServer(
  options: ManagedIdentityServerOptions = {},
): Promise<ManagedIdentityServer> {
  const secret = `identity-header-${process.pid}-${Date.now()}`;
  const requests: ManagedIdentityRequest[] = [];
  const server = await startTestHttpServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://double");
    const resource = url.searchParams.get("resource") ?? undefined;
    const clientId = url.searchParams.get("client_id") ?? undefined;
    const apiVersion = url.searchParams.get("api-version") ?? undefined;
    const answer = (status: number, body: Record<string, unknown>): void => {
      requests.push({ resource, clientId, apiVersion, status });
      sendJson(response, status, body);
    };
    if (request.method !== "GET" || url.pathname !== "/msi/token") {
      answer(404, { statusCode: 404, message: `No route for ${request.method ?? "?"} ${url.pathname}.` });
    } else if (request.headers["x-identity-header"] !== secret) {
      answer(401, { statusCode: 401, message: "The X-IDENTITY-HEADER header is missing or wrong." });
    } else if (apiVersion !== API_VERSION || resource === undefined) {
      answer(400, { statusCode: 400, message: `Expected api-version=${API_VERSION} and a resource.` });
    } else if (options.clientId !== undefined && clientId !== options.clientId) {
      answer(400, {
        statusCode: 400,
        message: `No identity with client_id ${clientId ?? "(none)"} is assigned.`,
      });
    } else {
      answer(200, {
        access_token: options.token ?? TEST_BEARER_TOKEN,
        expires_on: String(Math.floor(Date.now() / 1000) + TOKEN_LIFETIME_SECONDS),
        resource,
        token_type: "Bearer",
        client_id: clientId ?? options.clientId ?? "system-assigned",
      });
    }
    return Promise.resolve();
  });
  return { endpoint: `${server.url}/msi/token`, secret, requests, close: () => server.close() };
}
