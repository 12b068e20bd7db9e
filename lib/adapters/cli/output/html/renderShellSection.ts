import type { EnrichmentRecord } from "../../../../core/records/EnrichmentRecord.js";
import { buildShellTimeline, type CommandEvent, type RequestEvent } from "./buildShellTimeline.js";
import { type Markup, markup } from "./escapeHtml.js";
import { countOf, dataText, formatDuration, timeCell, userAgentText } from "./formatReportValues.js";
import { shellId } from "./renderSummary.js";
import type { ShellStats } from "./summarizeReport.js";

const NONE = markup`<span class="none">—</span>`;

/**
 * One shell's section: what is known of the page, then its timeline (the attacker's requests interleaved with the
 * commands they triggered), then the findings that are the evidence behind it, one per (command, attacker).
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
  yield markup`<section class="shell" id="${id}" aria-labelledby="${id}-title">
<h2 id="${id}-title">${index + 1}. ${dataText(group.host, "mono")} ${dataText(group.shell, "path")}</h2>
<dl class="facts">
<div><dt>Sites</dt><dd>${sites.length === 0 ? NONE : dataText(sites.join(", "))}</dd></div>
<div><dt>First seen (UTC)</dt><dd>${timeCell(group.first)}</dd></div>
<div><dt>Last seen (UTC)</dt><dd>${timeCell(group.last)}${group.last > group.first ? `, ${formatDuration(group.last - group.first)} later` : null}</dd></div>
<div><dt>Attackers</dt><dd data-count="attackers">${stats.attackers.length}</dd></div>
<div><dt>Commands</dt><dd data-count="commands">${stats.commands}</dd></div>
<div><dt>Requests listed</dt><dd data-count="requests">${stats.requests}</dd></div>
<div><dt>Client addresses of the page</dt><dd>${pageIps}</dd></div>
</dl>
<h3>Timeline</h3>
`;
  const timeline = buildShellTimeline(group);
  if (timeline.requests === 0)
    yield group.records[0]?.MatchMode === "compat"
      ? markup`<p class="note">Compat mode keeps no requests as evidence: each command is shown at the query's timestamp, with the attacker the query joined it to.</p>\n`
      : markup`<p class="note">The findings keep no requests as evidence.</p>\n`;
  if (timeline.capped)
    yield markup`<p class="note">Some findings matched more requests than the ${evidenceCap} each keeps as evidence; the evidence table gives each one's full count.</p>\n`;
  yield markup`<table class="timeline"><colgroup><col class="time"><col class="kind"><col><col class="who"></colgroup>
<thead><tr><th>Time (UTC)</th><th>Event</th><th>Request or command</th><th>Client, or process and alert</th></tr></thead>
<tbody>
`;
  for (const event of timeline.events) yield event.kind === "request" ? requestRow(event) : commandRow(event);
  yield markup`</tbody></table>
<h3>Evidence</h3>
<table class="findings"><colgroup><col class="id"><col><col><col class="ip"><col class="count"><col class="time"><col class="time"></colgroup>
<thead><tr><th>Record id</th><th>Alert</th><th>Process</th><th>Attacker</th><th class="n">Requests</th><th>First request (UTC)</th><th>Last request (UTC)</th></tr></thead>
<tbody>
`;
  for (const record of group.records) yield findingRow(record);
  yield markup`</tbody></table>
</section>
`;
}

function requestRow({ time, request }: RequestEvent): Markup {
  const status = markup`<span class="${Number(request.status) >= 400 ? "status-error" : "status"}">${request.status}</span>`;
  const took = request.timeTakenMs === null ? null : `, took ${formatDuration(request.timeTakenMs)}`;
  const site = request.site === "" ? null : markup`, site ${dataText(request.site)}`;
  const query =
    request.uriQuery === ""
      ? null
      : markup`<span class="sub">query ${dataText(request.uriQuery, "mono")}</span>`;
  const client =
    request.forwardedFor === ""
      ? dataText(request.clientIP, "mono")
      : markup`${dataText(request.forwardedFor, "mono")}<span class="sub">forwarded by ${dataText(request.clientIP, "mono")}</span>`;
  return markup`<tr class="request"><td>${timeCell(time)}</td><td><span class="tag">request</span></td><td><code>${request.method}</code> ${dataText(request.uriStem, "path")}${query}<span class="sub">status ${status}${took}${site}</span></td><td>${client}<span class="sub">${userAgentText(request.userAgent)}</span></td></tr>\n`;
}

function commandRow(event: CommandEvent): Markup {
  const record = event.records[0]!;
  const when = event.timeIs === "query timestamp" ? markup`<span class="sub">query timestamp</span>` : null;
  const parent =
    record.ParentProcessName === ""
      ? null
      : markup`<span class="sub">parent ${dataText(record.ParentProcessName, "mono")}${record.ProcessId === "" ? null : markup`, process id ${dataText(record.ProcessId)}`}</span>`;
  const alert =
    record.SystemAlertId === ""
      ? null
      : markup`<span class="sub">alert ${dataText(record.AlertName)} <code>${record.SystemAlertId}</code>${record.AlertTime === null ? null : markup`, raised ${timeCell(record.AlertTime)}`}</span>`;
  const attackers = event.records.map(
    (r) =>
      markup`<span class="sub">attacker ${dataText(r.AttackerIP, "mono")}${r.RequestCount === null ? null : ` (${countOf(r.RequestCount, "request")})`}${agentsWithoutEvidence(r)}</span>`,
  );
  return markup`<tr class="command"><td>${timeCell(event.time)}${when}</td><td><span class="tag">command</span></td><td>${dataText(record.ProcessName, "mono")}<code class="cmd">${dataText(record.ProcessCommandLine)}</code></td><td>${parent}${alert}${attackers}</td></tr>\n`;
}

/** Compat records list no requests, so their user agents (the query's attacker bag) are shown with the command. */
function agentsWithoutEvidence(record: EnrichmentRecord): Markup[] | null {
  if (record.Evidence.length > 0) return null;
  return record.AttackerUserAgents.map((agent) => markup`<span class="sub">${userAgentText(agent)}</span>`);
}

function findingRow(record: EnrichmentRecord): Markup {
  const alert =
    record.SystemAlertId === ""
      ? NONE
      : markup`${dataText(record.AlertName)}<span class="sub"><code>${record.SystemAlertId}</code></span>`;
  const started =
    record.ProcessCreationTime === null
      ? null
      : markup`<span class="sub">started ${timeCell(record.ProcessCreationTime)}</span>`;
  const listed =
    record.RequestCount !== null && record.RequestCount > record.Evidence.length
      ? markup`<span class="sub">${record.Evidence.length} listed</span>`
      : null;
  return markup`<tr><td><code>${record.RecordId}</code></td><td>${alert}</td><td>${dataText(record.ProcessName, "mono")}${started}</td><td>${dataText(record.AttackerIP, "mono")}</td><td class="n">${record.RequestCount ?? "—"}${listed}</td><td>${timeCell(record.FirstRequestTime)}</td><td>${timeCell(record.LastRequestTime)}</td></tr>\n`;
}
