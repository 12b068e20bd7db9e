import { describe, expect, it } from "vitest";

import { buildShellTimeline } from "../../../../../../lib/adapters/cli/output/html/buildShellTimeline.js";
import { groupByShell } from "../../../../../../lib/adapters/cli/output/html/groupByShell.js";
import type { EnrichmentRecord } from "../../../../../../lib/core/records/EnrichmentRecord.js";
import { aCompatRecord, aRecord } from "../../../azure/tables/aRecord.js";

// A shell's story from its records: requests shared as evidence listed once, a command attributed to two attackers
// listed once, everything in time order; compat records, which have no process times, at the query's timestamp.

const T = aRecord.ProcessCreationTime!;
const post = aRecord.Evidence[0]!;

function command(overrides: Partial<EnrichmentRecord>): EnrichmentRecord {
  return { ...aRecord, ...overrides };
}

describe("buildShellTimeline", () => {
  it("lists each request and each command once, in time order, requests first at the same instant", () => {
    const earlier = { ...post, time: new Date(T - 30_000).toISOString(), method: "GET" };
    const same = { ...post, time: new Date(T + 700).toISOString() };
    const records = [
      command({ Evidence: [earlier, post] }),
      command({ AttackerIP: "198.51.100.9", Evidence: [post] }), // the same command, a second attacker
      command({ ProcessId: "9000", ProcessCreationTime: T + 700, Evidence: [post, same] }),
    ];
    const [group] = groupByShell(records);
    const timeline = buildShellTimeline(group!);
    expect(timeline.events.map((e) => [e.kind, e.time - T])).toEqual([
      ["request", -30_000],
      ["command", 0],
      ["request", 500],
      ["request", 700],
      ["command", 700],
    ]);
    expect([timeline.requests, timeline.commands, timeline.capped]).toEqual([3, 2, false]);
    const first = timeline.events.find((e) => e.kind === "command")!;
    expect(first.kind === "command" && first.records.map((r) => r.AttackerIP)).toEqual([
      "203.0.113.77",
      "198.51.100.9",
    ]);
  });

  it("puts a request logged at a command's instant before it, as it was under way", () => {
    const atStart = { ...post, time: new Date(T).toISOString() };
    const timeline = buildShellTimeline(groupByShell([command({ Evidence: [atStart] })])[0]!);
    expect(timeline.events.map((e) => e.kind)).toEqual(["request", "command"]);
  });

  it("says when a record matched more requests than it keeps", () => {
    const timeline = buildShellTimeline(groupByShell([command({ RequestCount: 25 })])[0]!);
    expect(timeline.capped).toBe(true);
  });

  it("places compat commands at the query's timestamp, one per query row", () => {
    const rows = [
      { ...aCompatRecord, Evidence: [], TimeGenerated: T },
      { ...aCompatRecord, Evidence: [], TimeGenerated: T + 30_000, AttackerIP: "198.51.100.9" },
    ];
    const timeline = buildShellTimeline(groupByShell(rows)[0]!);
    expect(timeline.events.map((e) => e.kind === "command" && [e.timeIs, e.time - T])).toEqual([
      ["query timestamp", 0],
      ["query timestamp", 30_000],
    ]);
    expect(timeline.requests).toBe(0);
  });
});

describe("groupByShell", () => {
  it("makes one group per host and page, earliest activity first, each with its span", () => {
    const records = [
      command({ ShellLocation: "/b.aspx", TimeGenerated: T + 5000, FirstRequestTime: T + 5000 }),
      command({ ShellLocation: "/a.aspx" }),
      command({ ShellLocation: "/b.aspx", HostName: "web02" }),
      command({
        ShellLocation: "/b.aspx",
        TimeGenerated: T + 5000,
        FirstRequestTime: T + 5000,
        ProcessCreationTime: T + 90_000,
        LastRequestTime: T + 95_000,
      }),
    ];
    const groups = groupByShell(records);
    expect(groups.map((g) => [g.host, g.shell, g.records.length, g.first - T, g.last - T])).toEqual([
      ["web01", "/a.aspx", 1, -750, 500],
      ["web02", "/b.aspx", 1, -750, 500],
      ["web01", "/b.aspx", 2, 0, 95_000],
    ]);
  });
});
