import { describe, expect, it } from "vitest";

import { DeadlineError } from "../../../lib/core/errors.js";
import { Deadline } from "../../../lib/job/Deadline.js";

function clockAt(start: number) {
  const clock = { now: start };
  return { clock, now: () => clock.now };
}

describe("Deadline", () => {
  it.each([
    // What is left: the service that less the client's 5 s margin, the client all of it.
    ["at the start of a timer run", 480_000, 0, 475, 480_000],
    ["late in a timer run", 480_000, 400_000, 75, 80_000],
    // Never more than the service's 10 minutes.
    ["with an hour left", 3_600_000, 0, 600, 605_000],
    ["without a deadline", Number.POSITIVE_INFINITY, 0, 600, 605_000],
    // A quarter of a small budget as the margin, so a small budget really bounds a run.
    ["with a 6 s budget", 6_000, 0, 4, 5_500],
  ])("gives a query its limits from the time left, %s", (_, budget, elapsed, server, client) => {
    const { clock, now } = clockAt(0);
    const deadline = Number.isFinite(budget) ? Deadline.after(budget, now) : Deadline.none(now);
    clock.now += elapsed;
    expect(deadline.queryLimits("the alerts query")).toEqual({
      serverTimeoutSeconds: server,
      clientTimeoutMs: client,
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
