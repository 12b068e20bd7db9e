import { parseTimestamp } from "../../core/model/parseTimestamp.js";
import {
  emptyWebRequest,
  type NumberColumn,
  type TextColumn,
  type WebRequest,
} from "../../core/model/WebRequest.js";
import { normalizeColumnName } from "../exports/detectExportFormat.js";
import type { IisFileReadOptions } from "./IisReadOptions.js";
import type { IisFileCounts } from "./IisReadSummary.js";

/** One exported row, its columns by name as the export (or the workspace) has them, values as they came. */
export type ExportRecord = Readonly<Record<string, unknown>>;

const COLUMNS = new Map<string, keyof WebRequest>(
  (Object.keys(emptyWebRequest) as (keyof WebRequest)[]).map((column) => [column.toLowerCase(), column]),
);
// Exports of workspaces that log the forwarded client under its header name.
COLUMNS.set("x-forwarded-for", "XForwardedFor");

/**
 * The WebRequest column an export column feeds, matched case-insensitively and without the ` [UTC]` suffix the
 * Log Analytics portal adds to time columns in CSV; `undefined` for columns the engine does not use.
 *
 * @example exportColumnFor("TimeGenerated [UTC]") // "TimeGenerated"
 * @example exportColumnFor("X-Forwarded-For") // "XForwardedFor"
 */
export function exportColumnFor(name: string): keyof WebRequest | undefined {
  return COLUMNS.get(normalizeColumnName(name));
}

const TEXT_COLUMNS = (Object.keys(emptyWebRequest) as (keyof WebRequest)[]).filter(
  (column): column is TextColumn => typeof emptyWebRequest[column] === "string",
);
const NUMBER_COLUMNS: readonly NumberColumn[] = ["sPort", "scBytes", "csBytes", "TimeTaken"];
const NUMBER = /^\s*-?\d+(?:\.\d+)?\s*$/;

/** Skip reason of an exported row with no TimeGenerated (or an empty one). */
export const NO_TIME_REASON = "no TimeGenerated value: expected a W3CIISLog row";
/** Skip reason of an exported row whose TimeGenerated is not a timestamp either format writes. */
export const BAD_TIME_REASON =
  "TimeGenerated is not a timestamp: expected ISO 8601 or the portal's M/D/YYYY, h:mm:ss.fff AM/PM (UTC)";

/**
 * Turns the rows of a W3CIISLog export (JSON, JSON lines or CSV) into requests, with the rules of the native
 * reader: the stem filter first (a dropped row counts as read), then a row without a valid TimeGenerated is
 * skipped; `-` and null are empty; numbers may come as strings; header values keep IIS's `+` for a space, as W3CIISLog
 * stores them (docs/design.md §4.10); `defaultHost` names rows that carry no host at all.
 */
export class ExportRowSink {
  readonly counts: IisFileCounts = { read: 0, skipped: 0, accepted: 0, rowsWithoutHost: 0 };

  constructor(
    readonly source: string,
    private readonly options: IisFileReadOptions,
    private readonly onRequest: (request: WebRequest) => void,
  ) {}

  /** One row; `row` is its 1-based line (JSON lines, CSV) or element number (JSON array). */
  row(exported: ExportRecord, row: number): void {
    const record: Partial<Record<keyof WebRequest, unknown>> = {};
    for (const [name, value] of Object.entries(exported)) {
      const column = exportColumnFor(name);
      if (column !== undefined) record[column] = value;
    }
    const filter = this.options.acceptStem;
    if (filter !== undefined) {
      const stem = Buffer.from(toText(record.csUriStem), "utf8");
      if (!filter(stem, 0, stem.length)) {
        this.counts.read += 1;
        return;
      }
    }
    const timeValue = record.TimeGenerated;
    if (timeValue === undefined || timeValue === null || timeValue === "")
      return this.skip(row, NO_TIME_REASON);
    const time = typeof timeValue === "string" ? parseTimestamp(timeValue) : undefined;
    if (time === undefined) return this.skip(row, BAD_TIME_REASON);

    const request: WebRequest = { ...emptyWebRequest, TimeGenerated: time };
    for (const column of TEXT_COLUMNS) request[column] = toText(record[column]);
    for (const column of NUMBER_COLUMNS) request[column] = toNumber(record[column]);
    const { defaultHost } = this.options;
    if (defaultHost !== undefined && request.sComputerName === "" && request.Computer === "") {
      request.sComputerName = defaultHost;
      request.Computer = defaultHost;
    }
    this.counts.read += 1;
    this.counts.accepted += 1;
    if (request.sComputerName === "" && request.Computer === "" && request._ResourceId === "") {
      this.counts.rowsWithoutHost += 1;
    }
    this.onRequest(request);
  }

  /** Reports a row (or, without `row`, the rest of the file) that cannot be used. */
  skip(row: number | undefined, reason: string): void {
    this.counts.skipped += 1;
    this.options.diagnostics.skip({ source: this.source, line: row, reason });
  }

  /** Reports the read count to `diagnostics` and returns the file's counts. */
  finish(): IisFileCounts {
    this.options.diagnostics.read(this.source, this.counts.read);
    return this.counts;
  }
}

function toText(value: unknown): string {
  if (typeof value === "string") return value === "-" ? "" : value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
    return String(value);
  return "";
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  return typeof value === "string" && NUMBER.test(value) ? Number(value) : undefined;
}
