import { createHash } from "node:crypto";

/**
 * The report's one style sheet. Fonts are the reader's own (nothing is fetched). Sections below the fold are laid
 * out only when scrolled to (`content-visibility`), so a report of thousands of findings opens at once; print
 * lays out everything, one shell per page, with table headers repeated and rows kept whole.
 */
export const REPORT_STYLE = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #5b6470; --line: #d6dbe1; --soft: #f4f6f8;
  --request: #2f6fb3; --command: #b5441b; --warn: #8a5a00; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1400px; padding: 24px 32px 48px; color: var(--ink); background: #fff;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 1.7em; margin: 0 0 4px; }
h2 { font-size: 1.35em; margin: 0 0 12px; overflow-wrap: anywhere; }
h3 { font-size: 1.07em; margin: 20px 0 8px; }
header p, .note, .none { color: var(--muted); }
code, .path { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace;
  font-size: 0.93em; }
h2 .path { font-size: inherit; }
.v, .path { unicode-bidi: isolate; overflow-wrap: anywhere; }
td, dd, h2, .note { white-space: pre-wrap; }
.hidden-chars { margin-left: 6px; padding: 0 4px; border: 1px solid var(--warn); border-radius: 3px;
  color: var(--warn); font-size: 0.8em; white-space: nowrap; }
.counts { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 8px; margin: 12px 0; }
.counts div { padding: 8px 12px; background: var(--soft); border-radius: 6px; }
.counts dt { color: var(--muted); font-size: 0.86em; }
.counts dd { margin: 0; font-size: 1.6em; font-weight: 600; }
.facts { display: flex; flex-wrap: wrap; gap: 4px 28px; margin: 0 0 8px; }
.facts dt { color: var(--muted); font-size: 0.86em; }
.facts dd { margin: 0; }
table { width: 100%; border-collapse: collapse; margin: 4px 0 12px; table-layout: fixed; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top;
  overflow-wrap: anywhere; }
th { font-size: 0.86em; color: var(--muted); font-weight: 600; background: var(--soft); }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
section { margin: 0 0 32px; }
section.shell { padding-top: 16px; border-top: 3px solid var(--ink);
  content-visibility: auto; contain-intrinsic-size: auto 900px; }
col.time { width: 14.5em; }
col.kind { width: 7em; }
col.count { width: 6.5em; }
col.ip { width: 10.5em; }
.alerts { margin: 0 0 8px; }
.alert + .alert::before { content: "; "; }
col.who { width: 32%; }
col.source { width: 36%; }
.timeline td:first-child { font-variant-numeric: tabular-nums; white-space: nowrap; }
td.k { font-size: 0.78em; font-weight: 700; text-transform: uppercase; letter-spacing: 0.04em; padding-top: 7px; }
tr.request td.k { color: var(--request); }
tr.command td.k { color: var(--command); }
tr.request td:first-child { border-left: 4px solid var(--request); }
tr.command td:first-child { border-left: 4px solid var(--command); }
tr.command { background: #fdf5f1; }
tr.command .cmd { display: block; max-height: 14em; overflow: auto; font-weight: 600; }
strong.error { color: var(--command); }
.sub { color: var(--muted); font-size: 0.88em; }
tr.request td.what, tr.request td.who { color: var(--muted); }
tr.request td.what::first-line, tr.request td.who::first-line { color: var(--ink); }
nav.index table td { padding: 3px 8px; }
div.part { content-visibility: auto; contain-intrinsic-size: auto 3000px; margin: 4px 0 12px; }
div.part table { margin: 0; }
div.part:has(+ div.more) { margin-bottom: 0; }
div.more { margin-top: 0; }
div.more thead { display: none; }
footer { margin-top: 32px; padding-top: 12px; border-top: 1px solid var(--line); color: var(--muted);
  font-size: 0.86em; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5px; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  section.shell { break-before: page; }
  section.shell, div.part { content-visibility: visible; }
  thead, div.more thead { display: table-header-group; }
  tr, .counts div, .facts div { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  tr.command .cmd { max-height: none; overflow: visible; }
  a { color: inherit; text-decoration: none; }
}
`;

/**
 * The page's Content-Security-Policy: nothing may load or run, not even from the file itself, except the one
 * style sheet above, allowed by its hash. Should attacker text ever reach the page as markup, the browser would
 * still run no script, load no image and send no form.
 */
export const REPORT_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash("sha256").update(REPORT_STYLE).digest("base64")}'`,
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");
