/**
 * Why one row, line or alert was not used. Bad input is counted and reported, never fatal to the run:
 * `where` says file and line (`alerts.csv:17`) or the alert id, `reason` says what was expected.
 */
export interface Skip {
  /** The input it came from: a file path, or a source name such as `SecurityAlert`. */
  source: string;
  /** 1-based line (or row) number within `source`, when known. */
  line?: number;
  /** SystemAlertId, when the skip is about one alert. */
  alertId?: string;
  reason: string;
}

/** Where a skip happened, as people read it: `file:line`, `file (alert id)` or `file`. */
export function formatSkipLocation(skip: Skip): string {
  if (skip.line !== undefined) return `${skip.source}:${skip.line}`;
  if (skip.alertId !== undefined) return `${skip.source} (alert ${skip.alertId})`;
  return skip.source;
}

/** Counts per input of what was read and what was skipped, keeping the first few skips of each input whole. */
export interface InputCounts {
  read: number;
  skipped: number;
  /** The first skips of this input, in order (at most `Diagnostics.examplesPerInput`). */
  examples: Skip[];
  /** Skips per reason, so a summary can say "1,204 × too few fields" without keeping every skip. */
  byReason: Map<string, number>;
}

/**
 * The run's ledger of bad input. Readers call `read()` for every row they accept and `skip()` for every row they
 * cannot use; memory stays bounded however many rows are bad.
 */
export class Diagnostics {
  readonly inputs = new Map<string, InputCounts>();
  /** Notes about whole inputs that are not about one row (e.g. "no host name: pass --iis-host"). */
  readonly warnings: string[] = [];
  /** Distinct warnings not kept because `maxWarnings` was reached. */
  droppedWarnings = 0;

  constructor(
    readonly examplesPerInput = 5,
    readonly maxWarnings = 50,
  ) {}

  read(source: string, count = 1): void {
    this.entry(source).read += count;
  }

  skip(skip: Skip): void {
    const entry = this.entry(skip.source);
    entry.skipped += 1;
    entry.byReason.set(skip.reason, (entry.byReason.get(skip.reason) ?? 0) + 1);
    if (entry.examples.length < this.examplesPerInput) entry.examples.push(skip);
  }

  /** Records a note once; past `maxWarnings` distinct notes only the count grows, so memory stays bounded. */
  warn(message: string): void {
    if (this.warnings.includes(message)) return;
    if (this.warnings.length < this.maxWarnings) this.warnings.push(message);
    else this.droppedWarnings += 1;
  }

  get totalSkipped(): number {
    let total = 0;
    for (const entry of this.inputs.values()) total += entry.skipped;
    return total;
  }

  private entry(source: string): InputCounts {
    let entry = this.inputs.get(source);
    if (entry === undefined) {
      entry = { read: 0, skipped: 0, examples: [], byReason: new Map() };
      this.inputs.set(source, entry);
    }
    return entry;
  }
}
