import type { EnrichmentRecord } from "../../../../core/records/EnrichmentRecord.js";
import { buildShellTimeline } from "./buildShellTimeline.js";
import { groupByShell, type ShellGroup, timesOf } from "./groupByShell.js";

/** One shell's figures, for the summary's index and its own section's header. */
export interface ShellStats {
  group: ShellGroup;
  commands: number;
  requests: number;
  attackers: string[];
}

/** One attacker address across the report. */
export interface AttackerStats {
  ip: string;
  /** As logged (docs/design.md §4.10). */
  userAgents: Set<string>;
  /** Indexes into `ReportFigures.shells`. */
  shells: Set<number>;
  findings: number;
  first: number;
  last: number;
}

/** What the summary counts, worked out before anything is written, since the summary comes first. */
export interface ReportFigures {
  shells: ShellStats[];
  attackers: AttackerStats[];
  hosts: string[];
  alerts: number;
  commands: number;
  requests: number;
  findings: number;
  /** The earliest and latest time of any finding, or `undefined` without findings. */
  span: [number, number] | undefined;
}

/**
 * Counts shells, hosts, attackers, commands and listed requests as the sections will show them: a command or a
 * request that several findings share counts once. Each shell's timeline is built and dropped here (and rebuilt
 * when its section is written), so only counts outlive this pass.
 */
export function summarizeReport(records: readonly EnrichmentRecord[]): ReportFigures {
  const groups = groupByShell(records);
  const attackers = new Map<string, AttackerStats>();
  const hosts = new Set<string>();
  const alerts = new Set<string>();
  let commands = 0;
  let requests = 0;
  const shells = groups.map((group, index): ShellStats => {
    const timeline = buildShellTimeline(group);
    commands += timeline.commands;
    requests += timeline.requests;
    hosts.add(group.host);
    const ips = new Set<string>();
    for (const record of group.records) {
      if (record.SystemAlertId !== "") alerts.add(record.SystemAlertId);
      ips.add(record.AttackerIP);
      addFinding(attackers, record, index);
    }
    return { group, commands: timeline.commands, requests: timeline.requests, attackers: [...ips] };
  });
  const first = groups.reduce((min, group) => Math.min(min, group.first), Number.POSITIVE_INFINITY);
  const last = groups.reduce((max, group) => Math.max(max, group.last), Number.NEGATIVE_INFINITY);
  return {
    shells,
    attackers: [...attackers.values()].sort((a, b) => a.first - b.first || (a.ip < b.ip ? -1 : 1)),
    hosts: [...hosts].sort(),
    alerts: alerts.size,
    commands,
    requests,
    findings: records.length,
    span: groups.length === 0 ? undefined : [first, last],
  };
}

function addFinding(attackers: Map<string, AttackerStats>, record: EnrichmentRecord, shell: number): void {
  const [first, last] = timesOf(record);
  let stats = attackers.get(record.AttackerIP);
  if (stats === undefined) {
    stats = { ip: record.AttackerIP, userAgents: new Set(), shells: new Set(), findings: 0, first, last };
    attackers.set(record.AttackerIP, stats);
  }
  for (const userAgent of record.AttackerUserAgents) stats.userAgents.add(userAgent);
  stats.shells.add(shell);
  stats.findings += 1;
  stats.first = Math.min(stats.first, first);
  stats.last = Math.max(stats.last, last);
}
