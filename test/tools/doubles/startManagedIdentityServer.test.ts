import { ManagedIdentityCredential } from "@azure/identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  type ManagedIdentityServer,
  startManagedIdentityServer,
} from "../../../tools/doubles/startManagedIdentityServer.js";
import { TEST_BEARER_TOKEN } from "../../../tools/doubles/staticTokenCredential.js";

const CLIENT_ID = "5b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d";

/** The credential as App Service sets it up: the endpoint and secret in the environment while it is made and used. */
async function tokenWith(
  env: { IDENTITY_ENDPOINT: string; IDENTITY_HEADER: string },
  clientId: string,
  scope: string,
) {
  const saved = {
    IDENTITY_ENDPOINT: process.env.IDENTITY_ENDPOINT,
    IDENTITY_HEADER: process.env.IDENTITY_HEADER,
  };
  Object.assign(process.env, env);
  try {
    return await new ManagedIdentityCredential({ clientId }).getToken(scope);
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

describe("startManagedIdentityServer driven by ManagedIdentityCredential", () => {
  let server: ManagedIdentityServer;
  beforeAll(async () => {
    server = await startManagedIdentityServer({ clientId: CLIENT_ID });
  });
  afterAll(() => server.close());

  it("issues the doubles' token for the resource asked, to the app's identity, with a day to run", async () => {
    const token = await tokenWith(
      { IDENTITY_ENDPOINT: server.endpoint, IDENTITY_HEADER: server.secret },
      CLIENT_ID,
      "https://api.loganalytics.io/.default",
    );
    expect(token.token).toBe(TEST_BEARER_TOKEN);
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    expect(server.requests.at(-1)).toEqual({
      resource: "https://api.loganalytics.io",
      clientId: CLIENT_ID,
      apiVersion: "2019-08-01",
      status: 200,
    });
  });

  // MSAL keeps the endpoint and secret it first read for the life of the process, so the refusals are asked for
  // directly, as MSAL's request is made.
  it("refuses a wrong secret (401) and an identity the app does not have (400)", async () => {
    const ask = (secret: string, clientId: string) => {
      const url = new URL(server.endpoint);
      url.search = new URLSearchParams({
        "api-version": "2019-08-01",
        resource: "https://monitor.azure.com",
        client_id: clientId,
      }).toString();
      return fetch(url, { headers: { "X-IDENTITY-HEADER": secret } });
    };
    expect((await ask("wrong", CLIENT_ID)).status).toBe(401);
    const other = await ask(server.secret, "00000000-0000-0000-0000-000000000001");
    expect(other.status).toBe(400);
    expect(await other.json()).toMatchObject({
      message: expect.stringMatching(/No identity with client_id/),
    });
    expect(server.requests.slice(-2).map((r) => r.status)).toEqual([401, 400]);
  });
});
