import { describe, expect, it } from "vitest";

import { addsSources, mergeSources, sourcesOf } from "../../../../lib/core/records/mergeSources.js";
import { correlate, deviceProcess, legacyAlert, mdeAlert, request } from "../../../support/timeline.js";

// One process (the alert fixture's cmd.exe 7340) as each source saw it: the copies of one record.
const requests = [request("10:15:31")];
const only7340 = <T extends { ProcessId: string }>(records: readonly T[]) =>
  records.filter((r) => r.ProcessId === "7340");
const [events] = correlate("precise", { processes: [deviceProcess()] }, requests).records;
const [alerted] = only7340(correlate("precise", [mdeAlert()], requests).records);
const [both] = only7340(
  correlate("precise", { alerts: [mdeAlert()], processes: [deviceProcess()] }, requests).records,
);
const [compat] = correlate("compat", [legacyAlert()], requests).records;
// A copy an earlier version wrote: an alert's record before ProcessSource existed.
const legacy = { ...sourcesOf(alerted!), ProcessSource: "" };

describe("mergeSources", () => {
  it("gives the copy that saw both sources whichever copy came first", () => {
    expect(sourcesOf(mergeSources(events!, alerted!))).toEqual(sourcesOf(both!));
    expect(sourcesOf(mergeSources(alerted!, events!))).toEqual(sourcesOf(both!));
    expect(mergeSources(both!, events!)).toBe(both);
    expect(mergeSources(both!, alerted!)).toBe(both);
  });

  it("keeps the alert of the delivered copy when both name one", () => {
    const other = { ...sourcesOf(alerted!), SystemAlertId: "another-alert", AlertName: "Another" };
    expect(mergeSources(both!, other)).toMatchObject({
      SystemAlertId: "another-alert",
      AlertName: "Another",
    });
  });

  it("leaves a source name it does not know out, and compat records as they are", () => {
    expect(
      mergeSources(events!, { ...sourcesOf(events!), ProcessSource: "Sysmon,DeviceProcessEvents" }),
    ).toBe(events);
    expect(mergeSources(compat!, sourcesOf(events!))).toBe(compat);
  });
});

describe("addsSources", () => {
  it.each([
    ["the alert to the events copy", alerted, events, true],
    ["the events row to the alert's copy", events, alerted, true],
    ["both to either", both, events, true],
    ["nothing to a copy with both", events, both, false],
    ["nothing to a copy with both (alert)", alerted, both, false],
    ["nothing to itself", events, events, false],
    ["nothing to an alert copy an earlier version wrote", alerted, legacy, false],
    ["the events row to an alert copy an earlier version wrote", events, legacy, true],
    ["nothing, in compat", compat, sourcesOf(events!), false],
  ])("%s: %s", (_, record, delivered, expected) => {
    expect(addsSources(record!, delivered!)).toBe(expected);
  });
});
