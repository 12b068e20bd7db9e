import { describe, expect, it } from "vitest";

import { redactSecrets } from "../../../../lib/job/config/redactSecrets.js";

// Regression: parseConfig echoed a malformed setting's value in its message, which the handlers log; a connection
// string or SAS URL pasted into the wrong setting put an account key or signature in the logs.
describe("redactSecrets", () => {
  const key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

  it.each([
    [
      `DefaultEndpointsProtocol=https;AccountName=a;AccountKey=${key}`,
      "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=***",
    ],
    [
      "https://a.table.core.windows.net/?sv=2024-11-04&sp=r&sig=abc%3D",
      "https://a.table.core.windows.net/?sv=2024-11-04&sp=r&sig=***",
    ],
    ["Bearer eyJhbGciOi.eyJzdWIiOi.c2ln", "Bearer ***"],
    ["eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc", "***"],
    [key, "***"],
    ["Server=x;Password=hunter2;", "Server=x;Password=***;"],
  ])("hides the credential in %j", (text, expected) => {
    expect(redactSecrets(text)).toBe(expected);
  });

  it("leaves ordinary values alone and cuts long ones", () => {
    expect(redactSecrets("my-workspace")).toBe("my-workspace");
    expect(redactSecrets("PT15M")).toBe("PT15M");
    expect(redactSecrets("ab-".repeat(70), 10)).toBe("ab-ab-ab-a…");
  });
});
