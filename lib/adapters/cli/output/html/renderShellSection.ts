import type { EnrichmentRecord } from "../../../../core/records/EnrichmentRecord.js";
import {
  buildShellTimeline,
  type CommandEvent,
  type RequestEvent,
  type TimelineEvent,
} from "./buildShellTimeline.js";
import { type Markup, markup } from "./escapeHtml.js";
import {
  countOf,
  dataParts,
  dataText,
  formatDuration,
  timeCell,
  userAgentText,
} from "./formatReportValues.js";
import { renderLongTable } from "./renderLongTable.js";
import { shellId } from "./renderSummary.js";
import type { ShellStats } from "./summarizeReport.js";

/**
 * One shell's section: what is known of the page and the alerts that named its commands, then its timeline: the
 * attacker's requests (the evidence) interleaved with the commands they triggered, each command with the findings
 * that attribute it (record id, attacker, request count). Alerts are named once per shell, and per command only
 * when the shell has several, since a large report's size is what its opening time follows (tools/bench/report).
 * Yielded a row at a time, so a shell with thousands of findings never becomes one string.
 */
export function* renderShellSection(
  stats: ShellStats,
  index: number,
  evidenceCap: number,
): Generator<Markup> {
  const { group } = stats;
  const id = shellId(index);
  const sites = [...new Set(group.records.flatMap((record) => record.Sites))];
  const pageIps = group.records.reduce((max, record) => Math.max(max, record.PageDistinctIPs), 0);
  const alerts = new Map<string, EnrichmentRecord>();
  for (const record of group.records)
    if (record.SystemAlertId !== "" && !alerts.has(record.SystemAlertId))
      alerts.set(record.SystemAlertId, record);
  yield markup`<section class="shell" id="${id}" aria-labelledby="${id}-title">
<h2 id="${id}-title">${index + 1}. ${dataText(group.host)} ${dataText(group.shell, "path")}</h2>
<dl class="facts">
<div><dt>Sites</dt><dd>${dataText(sites.join(", "))}</dd></div>
<div><dt>First seen (UTC)</dt><dd>${timeCell(group.first)}</dd></div>
<div><dt>Last seen (UTC)</dt><dd>${timeCell(group.last)}${group.last > group.first ? `, ${formatDuration(group.last - group.first)} later` : null}</dd></div>
<div><dt>Attackers</dt><dd data-count="attackers">${stats.attackers.length}</dd></div>
<div><dt>Commands</dt><dd data-count="commands">${stats.commands}</dd></div>
<div><dt>Requests listed</dt><dd data-count="requests">${stats.requests}</dd></div>
<div><dt>Findings</dt><dd data-count="findings">${group.records.length}</dd></div>
<div><dt>Client addresses of the page</dt><dd>${pageIps}</dd></div>
</dl>
${alertsLine([...alerts.values()])}`;
  const timeline = buildShellTimeline(group);
  if (timeline.requests === 0)
    yield group.records[0]?.MatchMode === "compat"
      ? markup`<p class="note">Compat mode keeps no requests as evidence: each command is shown at the query's timestamp, with the attacker the query joined it to.</p>\n`
      : markup`<p class="note">The findings keep no requests as evidence.</p>\n`;
  if (timeline.capped)
    yield markup`<p class="note">Some findings matched more requests than the ${evidenceCap} each keeps as evidence: their request counts include them all.</p>\n`;
  yield* renderLongTable(
    "timeline",
    markup`<colgroup><col class="time"><col class="kind"><col><col class="who"></colgroup>`,
    markup`<tr><th>Time (UTC)</th><th>Event</th><th>Request or command</th><th>Client, or process and findings</th></tr>`,
    timelineRows(timeline.events, alerts.size > 1),
  );
  yield markup`</section>\n`;
}

// A shell named by more alerts than this lists the first ones here: each command names its own.
const ALERTS_LISTED = 5;

function alertsLine(alerts: readonly EnrichmentRecord[]): Markup | null {
  if (alerts.length === 0) return null;
  const more = alerts.length - ALERTS_LISTED;
  return markup`<p class="alerts">${alerts.length === 1 ? "Alert" : `${alerts.length} alerts`}: ${alerts.slice(0, ALERTS_LISTED).map(alertText)}${more > 0 ? `; and ${more} more, each named with its commands` : null}</p>\n`;
}

/** The rows one at a time, made as the stream takes them. */
function* timelineRows(events: readonly TimelineEvent[], nameAlerts: boolean): Generator<Markup> {
  for (const event of events)
    yield event.kind === "request" ? requestRow(event) : commandRow(event, nameAlerts);
}

function alertText(record: EnrichmentRecord): Markup {
  return markup`<span class="alert">${dataText(record.AlertName)} ${dataText(record.SystemAlertId)}${record.AlertTime === null ? null : markup`, raised ${timeCell(record.AlertTime)}`}</span>`;
}

// The rows below are most of a large report: they use as few elements as they can (lines are line breaks in
// cells that keep white space, not elements), since the time a report takes to open follows its element count.

function requestRow({ time, request }: RequestEvent): Markup {
  const status =
    Number(request.status) >= 400
      ? markup`<strong class="error">${dataText(request.status)}</strong>`
      : dataText(request.status);
  const took = request.timeTakenMs === null ? null : `, took ${formatDuration(request.timeTakenMs)}`;
  const site = request.site === "" ? null : markup`, site ${dataText(request.site)}`;
  const query = request.uriQuery === "" ? null : markup`\nquery ${dataText(request.uriQuery)}`;
  const client =
    request.forwardedFor === ""
      ? dataText(request.clientIP)
      : markup`${dataText(request.forwardedFor)}\nforwarded by ${dataText(request.clientIP)}`;
  return markup`<tr class="request"><td>${timeCell(time)}</td><td class="k">request</td><td class="what">${dataText(request.method)} ${codeText(request.uriStem, "path")}${query}\nstatus ${status}${took}${site}</td><td class="who">${client}\n${userAgentText(request.userAgent)}</td></tr>\n`;
}

function commandRow(event: CommandEvent, nameAlert: boolean): Markup {
  const record = event.records[0]!;
  const when = event.timeIs === "query timestamp" ? "\nquery timestamp" : null;
  const parent =
    record.ParentProcessName === ""
      ? null
      : markup`\n<span class="sub">parent ${dataText(record.ParentProcessName)}${record.ProcessId === "" ? null : markup`, process id ${dataText(record.ProcessId)}`}</span>`;
  const alert =
    nameAlert && record.SystemAlertId !== ""
      ? markup`\n<span class="sub">alert ${alertText(record)}</span>`
      : null;
  // Which process sources saw the command (docs/design.md §4.12): a command no alert named is the news here.
  const seen =
    record.ProcessSource === ""
      ? null
      : markup`\n<span class="sub">seen by ${record.ProcessSource.split(",").join(" and ")}${record.SystemAlertId === "" ? " (no alert)" : null}</span>`;
  const findings = event.records.map((r, i) => markup`${i === 0 ? null : "\n"}${findingText(r)}`);
  return markup`<tr class="command"><td>${timeCell(event.time)}${when}</td><td class="k">command</td><td>${dataText(record.ProcessName)}${codeText(record.ProcessCommandLine, "cmd")}</td><td>${findings}${parent}${seen}${alert}</td></tr>\n`;
}

/**
 * One finding behind a command: the attacker, how many of their requests matched (more than are listed when the
 * evidence was capped), and the record's id, by which the custom table and the JSON outputs know it.
 */
function findingText(record: EnrichmentRecord): Markup {
  const requests = record.RequestCount === null ? null : ` (${countOf(record.RequestCount, "request")})`;
  // Compat records list no requests, so their user agents (the query's attacker bag) go with the command.
  const agents =
    record.Evidence.length > 0
      ? null
      : record.AttackerUserAgents.map((agent) => markup`\n${userAgentText(agent)}`);
  return markup`attacker ${dataText(record.AttackerIP)}${requests}, record ${record.RecordId}${agents}`;
}

/** A value in a code element of its own (a command line, a page), its hidden-character mark after it. */
function codeText(value: string, name: string): Markup {
  const [text, mark] = dataParts(value);
  return markup`<code class="${name}">${text}</code>${mark}`;
}
