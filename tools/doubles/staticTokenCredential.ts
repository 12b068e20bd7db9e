import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";

/** The bearer token the protocol doubles accept unless a test asks for another. */
export const TEST_BEARER_TOKEN = "test-bearer-token";

/** A credential that always answers the same token, and remembers the scopes it was asked for. */
export interface StaticTokenCredential extends TokenCredential {
  readonly token: string;
  /** The scopes of every `getToken` call, in order (e.g. `https://api.loganalytics.io/.default`). */
  readonly requestedScopes: readonly (readonly string[])[];
}

/**
 * A `TokenCredential` for tests: a fixed token that expires in a year, so the SDKs' bearer-token policy never
 * refreshes it, and no identity endpoint is ever called.
 */
export function staticTokenCredential(token: string = TEST_BEARER_TOKEN): StaticTokenCredential {
  const requestedScopes: string[][] = [];
  return {
    token,
    requestedScopes,
    getToken(scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
      requestedScopes.push(typeof scopes === "string" ? [scopes] : [...scopes]);
      return Promise.resolve({ token, expiresOnTimestamp: Date.now() + 365 * 24 * 3600 * 1000 });
    },
  };
}
