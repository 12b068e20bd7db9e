import { describe, expect, it } from "vitest";

import { createCorrelator } from "../../../../lib/core/correlate/createCorrelator.js";
import { Diagnostics } from "../../../../lib/core/Diagnostics.js";
import {
  DEFAULT_ENGINE_OPTIONS,
  MATCH_MODES,
  type MatchMode,
} from "../../../../lib/core/model/EngineOptions.js";
import type { WebRequest } from "../../../../lib/core/model/WebRequest.js";
import { at, correlate, legacyAlert, request, visitors } from "../../../support/timeline.js";

// A run read on several threads (readers/lanes) has one correlator per thread. The run's correlator takes the
// others' candidates, then asks each of them only for the counts of its `baselineKeysInUse()`: the shell page's
// visitors may be in another thread's files, and the records must be those of one correlator reading everything.

const alerts = [legacyAlert()]; // cmd.exe started 10:15:30.5 on WEB01, the shell /uploads/help.aspx

/** The run's correlator reads `mine`, another reads `theirs`; the run takes the other's candidates and counts. */
function split(mode: MatchMode, mine: WebRequest[], theirs: WebRequest[], takeCounts = true) {
  const [run, other] = [0, 1].map(
    () =>
      createCorrelator(alerts, { ...DEFAULT_ENGINE_OPTIONS, mode }, undefined, new Diagnostics()).correlator,
  ) as [ReturnType<typeof createCorrelator>["correlator"], ReturnType<typeof createCorrelator>["correlator"]];
  for (const r of mine) run.observe(r);
  for (const r of theirs) other.observe(r);
  run.addCandidates(other.takeCandidates());
  if (takeCounts) run.baseline.merge(structuredClone(other.baseline.snapshot(run.baselineKeysInUse())));
  return run.finish(at("23:59:59"));
}

describe.each(MATCH_MODES)("a run split across correlators, %s mode", (mode) => {
  const shell = request("10:15:31");
  const [a, b, c] = visitors("/uploads/help.aspx", 3, "08:00:00");

  it("drops the shell when its visitors, with the attacker, pass the threshold only together", () => {
    const whole = correlate(mode, alerts, [shell, a!, b!, c!]).records;
    expect(whole).toEqual([]);
    expect(split(mode, [shell, a!], [b!, c!])).toEqual(whole);
    expect(split(mode, [a!], [shell, b!, c!])).toEqual(whole);
    // Without the other's counts the run would keep it: the test can tell.
    expect(split(mode, [shell, a!], [b!, c!], false)).not.toEqual([]);
  });

  it("keeps the shell when they stay under it together, with the counts of one reader", () => {
    const whole = correlate(mode, alerts, [shell, a!, b!]).records;
    expect(whole.length).toBeGreaterThan(0);
    expect(split(mode, [a!], [shell, b!])).toEqual(whole);
  });

  it("asks only for the keys of the candidates it holds", () => {
    const run = createCorrelator(
      alerts,
      { ...DEFAULT_ENGINE_OPTIONS, mode },
      undefined,
      new Diagnostics(),
    ).correlator;
    for (const r of [shell, a!, ...visitors("/other.aspx", 2, "08:00:00")]) run.observe(r);
    expect([...run.baselineKeysInUse()]).toEqual([run.baselineKey(shell)]);
  });
});
