import { type Diagnostics, formatSkipLocation } from "../../../../core/Diagnostics.js";
import type { MatchMode, TimeRange } from "../../../../core/model/EngineOptions.js";
import type { OfflineResult } from "../../../../job/runOffline.js";
import { type Markup, markup } from "./escapeHtml.js";
import { countOf, dataText, formatTime, timeCell, userAgentText } from "./formatReportValues.js";
import { renderLongTable } from "./renderLongTable.js";
import type { AttackerStats, ReportFigures, ShellStats } from "./summarizeReport.js";

/** The run the report describes: what the command's summary on standard error says, and how it was asked. */
export type ReportRun = Pick<OfflineResult, "selectedAlerts" | "commands" | "candidates"> &
  Partial<Pick<OfflineResult, "iis">> & {
    mode: MatchMode;
    range: TimeRange | undefined;
    diagnostics: Diagnostics;
    /** Most requests a record keeps as evidence (`EngineOptions.evidenceCap`). */
    evidenceCap: number;
    /** When the report was made (epoch ms). */
    generatedAt: number;
  };

const MODES: Record<MatchMode, string> = {
  precise: "the hunting query's intent with its defects fixed",
  compat:
    "the original hunting query's rows, defects included: no requests kept as evidence, no process start times " +
    "and no alert names; each command is shown at the query's timestamp (the first request of its group)",
};

// A longer list of user agents is an attacker rotating them; the JSON outputs have every one.
const USER_AGENTS_SHOWN = 5;

/**
 * The report's first part: what was read and skipped, the mode and time range, the counts, the attackers, and an
 * index of the shells linking to their sections. Yielded a table row at a time.
 */
export function* renderSummary(figures: ReportFigures, run: ReportRun): Generator<Markup> {
  const span = figures.span;
  yield markup`<header>
<h1>Web shell command report</h1>
<p>Made by webshell-enrich on ${formatTime(run.generatedAt)} UTC in mode <strong>${run.mode}</strong>: ${MODES[run.mode]}.</p>
</header>
<section id="summary" aria-labelledby="summary-title">
<h2 id="summary-title">Summary</h2>
<dl class="counts">
${count("shells", "Shells", figures.shells.length)}
${count("hosts", "Hosts", figures.hosts.length)}
${count("attackers", "Attacker addresses", figures.attackers.length)}
${count("commands", "Commands", figures.commands)}
${count("requests", "Requests listed", figures.requests)}
${count("findings", "Findings", figures.findings)}
${count("skipped", "Input rows skipped", run.diagnostics.totalSkipped)}
</dl>
<dl class="facts">
<div><dt>Time range asked</dt><dd>${describeRange(run.range)}</dd></div>
<div><dt>Activity found (UTC)</dt><dd>${span === undefined ? "none" : markup`${timeCell(span[0])} to ${timeCell(span[1])}`}</dd></div>
<div><dt>Alerts selected</dt><dd data-count="selected-alerts">${run.selectedAlerts}</dd></div>
<div><dt>Alerts with findings</dt><dd data-count="alerts">${figures.alerts}</dd></div>
<div><dt>Commands in the alerts</dt><dd>${run.commands}</dd></div>
<div><dt>Candidate requests</dt><dd>${run.candidates}</dd></div>
<div><dt>Hosts</dt><dd>${figures.hosts.length === 0 ? "none" : dataText(figures.hosts.join(", "))}</dd></div>
</dl>
`;
  yield* renderInputs(run);
  yield* renderAttackers(figures.attackers);
  yield* renderIndex(figures.shells);
  yield markup`</section>\n`;
}

/** The anchor of a shell's section: a number, never text from the data. */
export function shellId(index: number): string {
  return `shell-${index + 1}`;
}

function count(name: string, label: string, value: number): Markup {
  return markup`<div><dt>${label}</dt><dd data-count="${name}">${value.toLocaleString("en-US")}</dd></div>`;
}

function describeRange(range: TimeRange | undefined): Markup {
  if (range === undefined) return markup`the whole input`;
  const side = (ms: number, open: string) => (Number.isFinite(ms) ? timeCell(ms) : open);
  return markup`${side(range.from, "the start of the input")} to ${side(range.to, "the end of the input")} (UTC)`;
}

function* renderInputs(run: ReportRun): Generator<Markup> {
  const { diagnostics } = run;
  yield markup`<h3>Inputs</h3>\n`;
  yield* renderLongTable(
    "inputs",
    markup`<colgroup><col class="source"><col class="count"><col class="count"><col></colgroup>`,
    markup`<tr><th>Input</th><th class="n">Rows read</th><th class="n">Skipped</th><th>Why (the first skips)</th></tr>`,
    inputRows(diagnostics),
  );
  const noHost = run.iis?.filesWithoutHost ?? [];
  if (noHost.length > 0)
    yield markup`<p class="note">${countOf(noHost.length, "IIS file")} had no host name (no s-computername): their rows matched by server address only: ${dataText(noHost.join(", "))}.</p>\n`;
  for (const warning of diagnostics.warnings) yield markup`<p class="note">Note: ${dataText(warning)}</p>\n`;
  if (diagnostics.droppedWarnings > 0)
    yield markup`<p class="note">${countOf(diagnostics.droppedWarnings, "more note")} not shown.</p>\n`;
}

function* inputRows(diagnostics: Diagnostics): Generator<Markup> {
  for (const [source, counts] of diagnostics.inputs) {
    const why = [
      ...[...counts.byReason].map(([reason, times]) => markup`${times} × ${dataText(reason)}`),
      ...counts.examples.map((skip) => markup`${formatSkipLocation(skip)}: ${dataText(skip.reason)}`),
    ];
    yield markup`<tr><td>${dataText(source)}</td><td class="n">${counts.read}</td><td class="n">${counts.skipped}</td><td class="sub">${lines(why)}</td></tr>\n`;
  }
}

function* renderAttackers(attackers: readonly AttackerStats[]): Generator<Markup> {
  if (attackers.length === 0) return;
  yield markup`<h3>Attackers</h3>\n`;
  yield* renderLongTable(
    "attackers",
    markup`<colgroup><col class="ip"><col><col class="count"><col class="count"><col class="time"><col class="time"></colgroup>`,
    markup`<tr><th>Address</th><th>User agents</th><th class="n">Shells</th><th class="n">Findings</th><th>First seen (UTC)</th><th>Last seen (UTC)</th></tr>`,
    mapLazily(attackers, attackerRow),
  );
}

function attackerRow(attacker: AttackerStats): Markup {
  const agents = [...attacker.userAgents];
  const shown = agents.slice(0, USER_AGENTS_SHOWN).map(userAgentText);
  const more = agents.length - USER_AGENTS_SHOWN;
  if (more > 0) shown.push(markup`and ${more} more`);
  return markup`<tr><td>${dataText(attacker.ip)}</td><td>${lines(shown)}</td><td class="n">${attacker.shells.size}</td><td class="n">${attacker.findings}</td><td>${timeCell(attacker.first)}</td><td>${timeCell(attacker.last)}</td></tr>\n`;
}

/** One value a line, in a cell that keeps white space. */
function lines(values: readonly Markup[]): Markup[] {
  return values.map((value, i) => markup`${i === 0 ? null : "\n"}${value}`);
}

function* renderIndex(shells: readonly ShellStats[]): Generator<Markup> {
  if (shells.length === 0) {
    yield markup`<p class="note">No findings: no command that a web shell ran was found in these inputs.</p>\n`;
    return;
  }
  yield markup`<nav class="index" aria-labelledby="index-title"><h3 id="index-title">Shells</h3>\n`;
  yield* renderLongTable(
    "index",
    markup`<colgroup><col class="count"><col><col class="time"><col class="time"><col class="count"><col class="count"><col class="count"></colgroup>`,
    markup`<tr><th class="n">#</th><th>Host and shell page</th><th>First seen (UTC)</th><th>Last seen (UTC)</th><th class="n">Attackers</th><th class="n">Commands</th><th class="n">Requests</th></tr>`,
    mapLazily(shells, indexRow),
  );
  yield markup`</nav>\n`;
}

function indexRow({ group, attackers, commands, requests }: ShellStats, index: number): Markup {
  return markup`<tr><td class="n">${index + 1}</td><td><a href="#${shellId(index)}">${dataText(group.host)} ${dataText(group.shell, "path")}</a></td><td>${timeCell(group.first)}</td><td>${timeCell(group.last)}</td><td class="n">${attackers.length}</td><td class="n">${commands}</td><td class="n">${requests}</td></tr>\n`;
}

/** Rows made one at a time, as the stream takes them, rather than all before the first is written. */
function* mapLazily<T>(items: readonly T[], row: (item: T, index: number) => Markup): Generator<Markup> {
  for (const [index, item] of items.entries()) yield row(item, index);
}
