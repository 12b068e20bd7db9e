import { formatTimestamp } from "../../../core/model/parseTimestamp.js";
import type { EnrichmentRecord } from "../../../core/records/EnrichmentRecord.js";
import { toTerminalText } from "./escapeForOutput.js";
import type { RecordFormatter } from "./formatRecords.js";

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

/** Rows measured for the column widths before the table starts: enough for a screen, bounded for any run. */
const MEASURED_ROWS = 500;

/**
 * A readable table of findings for a terminal: one line per record, the command line filling what is left of
 * `width`. The columns fit the first {@link MEASURED_ROWS} records (held back until then); later rows are cut to
 * those widths. Attacker-controlled text is made inert for the terminal (no escape sequences reach it).
 */
export class TableFormatter implements RecordFormatter {
  private held: string[][] = [];
  private widths: number[] | undefined;
  private count = 0;

  constructor(private readonly width: number) {}

  start(): string {
    return "";
  }

  record(record: EnrichmentRecord): string {
    this.count += 1;
    const cells = COLUMNS.map((column) => toTerminalText(column.value(record)));
    if (this.widths !== undefined) return this.line(cells);
    this.held.push(cells);
    return this.held.length < MEASURED_ROWS ? "" : this.release();
  }

  end(): string {
    if (this.count === 0) return "No findings.\n";
    return (this.widths === undefined ? this.release() : "") + `${this.count} finding(s)\n`;
  }

  /** Fixes the widths on the rows held so far, and gives the heading and those rows. */
  private release(): string {
    const rows = this.held;
    this.held = [];
    const widths = COLUMNS.map((column, i) =>
      Math.min(column.max, Math.max(column.title.length, ...rows.map((row) => row[i]!.length))),
    );
    const fixed = widths.slice(0, -1).reduce((sum, w) => sum + w + 2, 0);
    widths[widths.length - 1] = Math.max(20, Math.min(widths[widths.length - 1]!, this.width - fixed));
    this.widths = widths;
    const rule = widths.map((w) => "-".repeat(w)).join("  ") + "\n";
    return (
      this.line(COLUMNS.map((column) => column.title)) + rule + rows.map((row) => this.line(row)).join("")
    );
  }

  private line(row: readonly string[]): string {
    return (
      row
        .map((cell, i) => fit(cell, this.widths![i]!))
        .join("  ")
        .trimEnd() + "\n"
    );
  }
}

function fit(text: string, width: number): string {
  return text.length <= width ? text.padEnd(width) : text.slice(0, Math.max(0, width - 1)) + "…";
}
