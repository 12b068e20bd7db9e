import { describe, expect, it } from "vitest";

import { DistinctIpBaseline } from "../../../../lib/core/correlate/DistinctIpBaseline.js";

describe("DistinctIpBaseline", () => {
  it("counts distinct addresses per key, up to its cap", () => {
    const baseline = new DistinctIpBaseline(4);
    for (const ip of ["a", "b", "a", "c", "d", "e", "f"]) baseline.add("/x.aspx", ip);
    baseline.add("/y.aspx", "a");
    expect(baseline.count("/x.aspx")).toBe(4);
    expect(baseline.count("/y.aspx")).toBe(1);
    expect(baseline.count("/z.aspx")).toBe(0);
    expect(baseline.size).toBe(2);
  });

  it("hands out one live tally per key, full once the cap is reached", () => {
    const baseline = new DistinctIpBaseline(2);
    const tally = baseline.tally("/x.aspx");
    expect(baseline.tally("/x.aspx")).toBe(tally);
    tally.add("a");
    expect(tally.full).toBe(false);
    baseline.add("/x.aspx", "b");
    expect(tally.full).toBe(true);
    expect(tally.size).toBe(2);
    expect(baseline.count("/x.aspx")).toBe(2);
  });

  it("takes the larger of a counted and a computed count", () => {
    const baseline = new DistinctIpBaseline(4);
    baseline.add("/x.aspx", "a");
    baseline.setCount("/x.aspx", 3);
    baseline.setCount("/x.aspx", 2);
    baseline.setCount("/y.aspx", 7);
    expect(baseline.count("/x.aspx")).toBe(3);
    expect(baseline.count("/y.aspx")).toBe(7);
    expect(baseline.size).toBe(2);
  });
});
