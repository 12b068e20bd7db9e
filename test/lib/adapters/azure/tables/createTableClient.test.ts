import type { AccessToken, TokenCredential } from "@azure/identity";
import { describe, expect, it } from "vitest";

import { createTableClient } from "../../../../../lib/adapters/azure/tables/createTableClient.js";

const credential: TokenCredential = {
  getToken: (): Promise<AccessToken> =>
    Promise.resolve({ token: "unused", expiresOnTimestamp: Date.now() + 3_600_000 }),
};

describe("createTableClient", () => {
  it("addresses the table service URL with a credential (managed identity in Azure)", () => {
    const client = createTableClient({
      endpoint: "https://stwebshell.table.core.windows.net",
      credential,
      tableName: "WebShellEnrichment",
    });
    expect(client.url).toBe("https://stwebshell.table.core.windows.net");
    expect(client.tableName).toBe("WebShellEnrichment");
  });

  it("accepts the development storage connection string, whose endpoint is plain http", () => {
    const client = createTableClient({
      connectionString: "UseDevelopmentStorage=true",
      tableName: "WebShellEnrichment",
    });
    expect(client.url).toBe("http://127.0.0.1:10002/devstoreaccount1");
  });

  it("accepts an account connection string over https", () => {
    const client = createTableClient({
      connectionString:
        "DefaultEndpointsProtocol=https;AccountName=stwebshell;AccountKey=c2VjcmV0;EndpointSuffix=core.windows.net",
      tableName: "WebShellEnrichment",
    });
    expect(client.url).toBe("https://stwebshell.table.core.windows.net");
  });
});
