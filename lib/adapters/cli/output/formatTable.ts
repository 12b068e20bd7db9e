import { formatTimestamp } from "../../../core/model/parseTimestamp.js";
import type { EnrichmentRecord } from "../../../core/records/EnrichmentRecord.js";
import { toTerminalText } from "./escapeForOutput.js";

/** `ProcessSource` in a word (docs/design.md §4.12); compat's empty source stays empty. */
const SEEN_BY: Readonly<Record<string, string>> = {
  SecurityAlert: "alert",
  DeviceProcessEvents: "events",
  "SecurityAlert,DeviceProcessEvents": "both",
};

const COLUMNS: { title: string; value: (record: EnrichmentRecord) => string; max: number }[] = [
  {
    title: "Time (UTC)",
    value: (r) => formatTimestamp(r.TimeGenerated).slice(0, 19).replace("T", " "),
    max: 19,
  },
  { title: "Host", value: (r) => r.HostName, max: 16 },
  { title: "Shell", value: (r) => r.ShellLocation, max: 36 },
  { title: "Attacker IP", value: (r) => r.AttackerIP, max: 39 },
  { title: "Req", value: (r) => (r.RequestCount === null ? "" : String(r.RequestCount)), max: 4 },
  { title: "Seen by", value: (r) => SEEN_BY[r.ProcessSource] ?? r.ProcessSource, max: 7 },
  { title: "Process", value: (r) => r.ProcessName, max: 16 },
  { title: "Command line", value: (r) => r.ProcessCommandLine, max: Number.POSITIVE_INFINITY },
];

/**
 * A readable table of findings for a terminal: one line per record, the command line filling what is left of
 * `width`. Attacker-controlled text is made inert for the terminal (no escape sequences reach it).
 */
export function formatTable(records: readonly EnrichmentRecord[], width: number): string {
  if (records.length === 0) return "No findings.\n";
  const cells = records.map((record) => COLUMNS.map((column) => toTerminalText(column.value(record))));
  const widths = COLUMNS.map((column, i) =>
    Math.min(column.max, Math.max(column.title.length, ...cells.map((row) => row[i]!.length))),
  );
  const fixed = widths.slice(0, -1).reduce((sum, w) => sum + w + 2, 0);
  widths[widths.length - 1] = Math.max(20, Math.min(widths[widths.length - 1]!, width - fixed));
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => fit(cell, widths[i]!))
      .join("  ")
      .trimEnd() + "\n";
  const rule = widths.map((w) => "-".repeat(w)).join("  ") + "\n";
  return (
    line(COLUMNS.map((column) => column.title)) +
    rule +
    cells.map(line).join("") +
    `${records.length} finding(s)\n`
  );
}

function fit(text: string, width: number): string {
  return text.length <= width ? text.padEnd(width) : text.slice(0, Math.max(0, width - 1)) + "…";
}
