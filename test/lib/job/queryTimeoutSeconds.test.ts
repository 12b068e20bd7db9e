import { describe, expect, it } from "vitest";

import { queryTimeoutSeconds } from "../../../lib/job/queryTimeoutSeconds.js";

describe("queryTimeoutSeconds", () => {
  it("gives a window what is left of the budget, at most the service's 10 minutes", () => {
    expect(queryTimeoutSeconds(480_000, 0)).toBe(480);
    expect(queryTimeoutSeconds(480_000, 100_000)).toBe(380);
    expect(queryTimeoutSeconds(3_600_000, 0)).toBe(600);
  });

  it("keeps 30 s for a window started near the end of a normal budget", () => {
    expect(queryTimeoutSeconds(480_000, 470_000)).toBe(30);
  });

  // Regression: the 30 s floor applied whatever the budget, so ENRICH_TIME_BUDGET=PT5S still let each query run
  // 30 s (and the SDK's retries of a 504 several times that).
  it("never gives more than the whole budget when the budget is below 30 s", () => {
    expect(queryTimeoutSeconds(5_000, 0)).toBe(5);
    expect(queryTimeoutSeconds(5_000, 4_000)).toBe(5);
    expect(queryTimeoutSeconds(400, 0)).toBe(1);
  });
});
