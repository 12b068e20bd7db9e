import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";

import type { EnrichmentRecord } from "../../../../core/records/EnrichmentRecord.js";
import { Markup, markup } from "./escapeHtml.js";
import { renderShellSection } from "./renderShellSection.js";
import { renderSummary, type ReportRun } from "./renderSummary.js";
import { REPORT_CSP, REPORT_STYLE } from "./reportStyle.js";
import { summarizeReport } from "./summarizeReport.js";

// The style sheet is the project's own text, and must go in byte for byte: the policy allows it by its hash.
const STYLE = Markup.trusted(REPORT_STYLE);

// Pieces are gathered into writes of about this many characters: few enough writes for speed, little held.
const CHUNK_CHARS = 64 * 1024;

/**
 * Writes the findings of a run as one self-contained HTML page (docs/design.md §6.8) to `out`, section by section
 * as the stream takes them, and ends `out`. Resolves when everything is written; rejects with the stream's error.
 */
export async function writeHtmlReport(
  out: Writable,
  records: readonly EnrichmentRecord[],
  run: ReportRun,
): Promise<void> {
  await pipeline(Readable.from(inChunks(renderHtmlReport(records, run)), { objectMode: false }), out);
}

/**
 * The page, in order: the head (its Content-Security-Policy lets nothing load or run but its own style sheet),
 * the summary, one section per shell, and the notes on how to read it. No script, no external resource.
 */
export function* renderHtmlReport(records: readonly EnrichmentRecord[], run: ReportRun): Generator<Markup> {
  const figures = summarizeReport(records);
  yield markup`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Web shell command report: ${figures.shells.length} shell(s), ${figures.findings} finding(s)</title>
<style>${STYLE}</style>
</head>
<body>
`;
  yield* renderSummary(figures, run);
  for (const [index, stats] of figures.shells.entries())
    yield* renderShellSection(stats, index, run.evidenceCap);
  yield markup`<footer>
<p>Times are UTC. A request's time is when IIS logged it, at its end; it ran for the time it took before that. A command's time is its process start as Defender reported it.</p>
<p>User agents are shown with IIS's <code>+</code> read as a space; hover one to see it as logged (W3CIISLog and the JSON outputs keep it so). Text from the logs and alerts is shown exactly as it came; a mark such as <span class="hidden-chars">holds U+202E</span> names characters in it that would otherwise be invisible or reorder it.</p>
<p>Each finding keeps at most ${run.evidenceCap} of its matching requests as evidence; its request count includes them all.</p>
</footer>
</body>
</html>
`;
}

/** Joins the pieces into writes of about `CHUNK_CHARS`. */
function* inChunks(pieces: Iterable<Markup>): Generator<string> {
  let parts: string[] = [];
  let size = 0;
  for (const piece of pieces) {
    parts.push(piece.html);
    size += piece.html.length;
    if (size < CHUNK_CHARS) continue;
    yield parts.join("");
    parts = [];
    size = 0;
  }
  if (size > 0) yield parts.join("");
}
