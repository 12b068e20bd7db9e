import { describe, expect, it } from "vitest";

import {
  knowsMore,
  mergeCopies,
  readCopySummary,
  summaryOf,
} from "../../../../lib/core/records/mergeCopies.js";
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
const legacy = { ...summaryOf(alerted!), ProcessSource: "" };

describe("mergeCopies", () => {
  it("gives the copy that saw both sources whichever copy came first", () => {
    expect(summaryOf(mergeCopies(events!, alerted!))).toEqual(summaryOf(both!));
    expect(summaryOf(mergeCopies(alerted!, events!))).toEqual(summaryOf(both!));
    expect(mergeCopies(both!, events!)).toBe(both);
    expect(mergeCopies(both!, alerted!)).toBe(both);
  });

  it("keeps the alert of the delivered copy when both name one", () => {
    const other = { ...summaryOf(alerted!), SystemAlertId: "another-alert", AlertName: "Another" };
    expect(mergeCopies(both!, other)).toMatchObject({
      SystemAlertId: "another-alert",
      AlertName: "Another",
    });
  });

  it("takes this copy's requests and the delivered copy's alert", () => {
    const later = { ...events!, RequestCount: 2, LastRequestTime: events!.LastRequestTime! + 14_000 };
    expect(mergeCopies(later, alerted!)).toMatchObject({
      RequestCount: 2,
      LastRequestTime: later.LastRequestTime,
      SystemAlertId: alerted!.SystemAlertId,
      ProcessSource: both!.ProcessSource,
    });
  });

  it("leaves a source name it does not know out, and compat records as they are", () => {
    expect(mergeCopies(events!, { ...summaryOf(events!), ProcessSource: "Sysmon,DeviceProcessEvents" })).toBe(
      events,
    );
    expect(mergeCopies(compat!, summaryOf(events!))).toBe(compat);
  });
});

describe("knowsMore", () => {
  it.each([
    ["the alert to the events copy", alerted, events, true],
    ["the events row to the alert's copy", events, alerted, true],
    ["both to either", both, events, true],
    ["nothing to a copy with both", events, both, false],
    ["nothing to a copy with both (alert)", alerted, both, false],
    ["nothing to itself", events, events, false],
    ["nothing to an alert copy an earlier version wrote", alerted, legacy, false],
    ["the events row to an alert copy an earlier version wrote", events, legacy, true],
    ["nothing, in compat", compat, summaryOf(events!), false],
    ["a request that arrived late", { ...events!, RequestCount: 2 }, events, true],
    ["nothing with fewer requests", events, { ...events!, RequestCount: 2 }, false],
    ["nothing with more requests, in compat", { ...compat!, RequestCount: 9 }, summaryOf(compat!), false],
  ])("%s: %s", (_, record, delivered, expected) => {
    expect(knowsMore(record!, delivered!)).toBe(expected);
  });
});

describe("readCopySummary", () => {
  it("reads a stored copy's columns, datetimes as Date, and what is missing as empty", () => {
    const stored = { ...summaryOf(alerted!), AlertTime: new Date(alerted!.AlertTime!), Other: "x" };
    expect(readCopySummary(stored)).toEqual(summaryOf(alerted!));
    expect(readCopySummary({ RecordId: "r1", SystemAlertId: "a1" })).toEqual({
      SystemAlertId: "a1",
      AlertName: "",
      AlertTime: null,
      ProcessSource: "",
      RequestCount: null,
    });
  });
});
