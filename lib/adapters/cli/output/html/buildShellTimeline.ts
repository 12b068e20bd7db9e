import { parseTimestamp } from "../../../../core/model/parseTimestamp.js";
import type { EnrichmentRecord, EvidenceRequest } from "../../../../core/records/EnrichmentRecord.js";
import type { ShellGroup } from "./groupByShell.js";

/** One request of the attacker's, as IIS logged it (at its end; it ran for `timeTakenMs` before). */
export interface RequestEvent {
  kind: "request";
  time: number;
  request: EvidenceRequest;
}

/**
 * One command the shell ran, with the records that attribute it (one per attacker address). `time` is the process
 * start; compat records have none, so theirs is the query's timestamp, and `timeIs` says which.
 */
export interface CommandEvent {
  kind: "command";
  time: number;
  timeIs: "process start" | "query timestamp";
  records: EnrichmentRecord[];
}

export type TimelineEvent = RequestEvent | CommandEvent;

export interface ShellTimeline {
  events: TimelineEvent[];
  requests: number;
  commands: number;
  /** Whether some record matched more requests than it keeps as evidence (the cap of docs/design.md §4.7). */
  capped: boolean;
}

/**
 * The story of one shell: the attacker's requests and the commands they triggered, in time order. Several
 * commands in one request window carry the same requests as evidence, and one command can be attributed to several
 * attackers: each request and each command is listed once. Requests logged at the same time as a command come
 * first, as they were under way when it started.
 */
export function buildShellTimeline(group: ShellGroup): ShellTimeline {
  const requests = new Map<string, RequestEvent>();
  const commands = new Map<string, CommandEvent>();
  let capped = false;
  for (const record of group.records) {
    const key = commandKey(record);
    const command = commands.get(key);
    if (command !== undefined) command.records.push(record);
    else
      commands.set(key, {
        kind: "command",
        time: record.ProcessCreationTime ?? record.TimeGenerated,
        timeIs: record.ProcessCreationTime === null ? "query timestamp" : "process start",
        records: [record],
      });
    if (record.RequestCount !== null && record.RequestCount > record.Evidence.length) capped = true;
    for (const request of record.Evidence) {
      const requestKey = JSON.stringify(request);
      if (requests.has(requestKey)) continue;
      // Evidence times are the engine's own ISO 8601 output; a value it cannot read sorts with the command.
      const time = parseTimestamp(request.time) ?? record.TimeGenerated;
      requests.set(requestKey, { kind: "request", time, request });
    }
  }
  const events: TimelineEvent[] = [...requests.values(), ...commands.values()];
  events.sort((a, b) => a.time - b.time || rank(a) - rank(b));
  return { events, requests: requests.size, commands: commands.size, capped };
}

/**
 * What makes two records one command: the alert and process (precise), or for compat, which has neither, the
 * query's row (image, command line and timestamp).
 */
function commandKey(record: EnrichmentRecord): string {
  return JSON.stringify([
    record.SystemAlertId,
    record.ProcessId,
    record.ProcessCreationTime ?? record.TimeGenerated,
    record.ProcessName,
    record.ProcessCommandLine,
  ]);
}

function rank(event: TimelineEvent): number {
  return event.kind === "request" ? 0 : 1;
}
