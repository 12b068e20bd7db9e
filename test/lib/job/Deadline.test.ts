import { describe, expect, it } from "vitest";

import { DeadlineError } from "../../../lib/core/errors.js";
import { Deadline } from "../../../lib/job/Deadline.js";

function clockAt(start: number) {
  const clock = { now: start };
  return { clock, now: () => clock.now };
}

describe("Deadline", () => {
  it("gives each query what is left: the service that less the client's margin, the client all of it", () => {
    const { clock, now } = clockAt(0);
    const deadline = Deadline.after(480_000, now);
    expect(deadline.queryLimits("the alerts query")).toEqual({
      serverTimeoutSeconds: 475,
      clientTimeoutMs: 480_000,
    });
    clock.now += 400_000;
    expect(deadline.queryLimits("the baseline query")).toEqual({
      serverTimeoutSeconds: 75,
      clientTimeoutMs: 80_000,
    });
  });

  it("never gives the service more than its 10 minutes", () => {
    const { now } = clockAt(0);
    expect(Deadline.after(3_600_000, now).queryLimits("q")).toEqual({
      serverTimeoutSeconds: 600,
      clientTimeoutMs: 605_000,
    });
    expect(Deadline.none(now).queryLimits("q")).toEqual({
      serverTimeoutSeconds: 600,
      clientTimeoutMs: 605_000,
    });
  });

  it("keeps the client's margin a quarter of a small budget, so a small budget really bounds a run", () => {
    const { now } = clockAt(0);
    expect(Deadline.after(6_000, now).queryLimits("q")).toEqual({
      serverTimeoutSeconds: 4,
      clientTimeoutMs: 5_500,
    });
  });

  it("refuses to start a query or a step that could not get a second, naming it", () => {
    const { clock, now } = clockAt(0);
    const deadline = Deadline.after(200_000, now);
    clock.now += 199_000;
    expect(() => deadline.queryLimits("the candidate requests query")).toThrow(DeadlineError);
    expect(() => deadline.queryLimits("the candidate requests query")).toThrow(
      "The run's time budget left 1 s, too little to start the candidate requests query",
    );
    expect(deadline.stepTimeoutMs("the upload")).toBe(1_000);
    clock.now += 500;
    expect(() => deadline.stepTimeoutMs("the upload")).toThrow(/left 0.5 s, too little to start the upload/);
    clock.now += 10_000;
    expect(deadline.leftMs()).toBe(-9_500);
    expect(() => deadline.stepTimeoutMs("the upload")).toThrow(/left 0 s/);
  });
});
