import type { Diagnostics } from "../../core/Diagnostics.js";
import { emptyWebRequest, type WebRequest } from "../../core/model/WebRequest.js";
import type { StemFilter } from "../../core/scriptStemFilter.js";
import type { IisFileCounts } from "../iis/IisReadSummary.js";
import { parseFieldsDirective, type W3cLayout } from "./W3cLayout.js";
import {
  BAD_DATE_TIME_REASON,
  fieldCountReason,
  NO_FIELDS_REASON,
  noDateTimeReason,
} from "./w3cSkipReasons.js";

/** Options of {@link parseW3cText}: those of the fast reader, with the source name used in skips. */
export interface W3cTextOptions {
  source: string;
  diagnostics: Diagnostics;
  acceptStem?: StemFilter;
  defaultHost?: string;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?$/;

/**
 * The reference W3C parser: the same rules as the fast reader (`W3cChunkParser`), written as plainly as possible
 * (whole text, `split`, regular expressions) so that tests can hold the fast one to it. Not for large files.
 */
export function parseW3cText(
  text: string,
  options: W3cTextOptions,
): { requests: WebRequest[]; counts: IisFileCounts } {
  const { source, diagnostics } = options;
  const counts: IisFileCounts = { read: 0, skipped: 0, accepted: 0, rowsWithoutHost: 0 };
  const requests: WebRequest[] = [];
  const skip = (line: number, reason: string) => {
    counts.skipped += 1;
    diagnostics.skip({ source, line, reason });
  };
  let layout: W3cLayout | undefined;
  // A byte order mark starts a file, and joined logs start a file on any line: every line loses one. NULs before a
  // line are the padding IIS leaves in a log it stopped writing abruptly: no part of the line after them.
  text.split("\n").forEach((rawLine, index) => {
    const lineNumber = index + 1;
    const unpadded = rawLine.replace(/^\0+/, "");
    const unmarked = unpadded.startsWith("\uFEFF") ? unpadded.slice(1) : unpadded;
    const line = unmarked.endsWith("\r") ? unmarked.slice(0, -1) : unmarked;
    if (line === "") return;
    if (line.startsWith("#")) {
      layout = parseFieldsDirective(line, lineNumber) ?? layout;
      return;
    }
    if (layout === undefined) return skip(lineNumber, NO_FIELDS_REASON);
    if (layout.dateIndex < 0 || layout.timeIndex < 0) return skip(lineNumber, noDateTimeReason(layout));
    const values = line.split(" ").map((value) => (value === "-" ? "" : value));
    if (values.length !== layout.fieldCount) return skip(lineNumber, fieldCountReason(layout, values.length));

    const stem = layout.stemIndex >= 0 ? (values[layout.stemIndex] ?? "") : "";
    const stemBytes = Buffer.from(stem, "utf8");
    if (options.acceptStem !== undefined && !options.acceptStem(stemBytes, 0, stemBytes.length)) {
      counts.read += 1;
      return;
    }
    const time = parseDateTime(values[layout.dateIndex] ?? "", values[layout.timeIndex] ?? "");
    if (time === undefined) return skip(lineNumber, BAD_DATE_TIME_REASON);

    const request: WebRequest = { ...emptyWebRequest, TimeGenerated: time };
    for (const field of layout.mapped) {
      const value = values[field.index] ?? "";
      if (field.kind === "number") request[field.column] = /^\d+$/.test(value) ? Number(value) : undefined;
      else request[field.column] = value;
    }
    if (options.defaultHost !== undefined) {
      request.Computer = options.defaultHost;
      if (!layout.hasComputerName) request.sComputerName = options.defaultHost;
    }
    counts.read += 1;
    counts.accepted += 1;
    if (request.sComputerName === "" && request.Computer === "") counts.rowsWithoutHost += 1;
    requests.push(request);
  });
  diagnostics.read(source, counts.read);
  return { requests, counts };
}

function parseDateTime(date: string, time: string): number | undefined {
  const d = DATE.exec(date);
  const t = TIME.exec(time);
  if (d === null || t === null) return undefined;
  const [year, month, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
  const [hour, minute, second] = [Number(t[1]), Number(t[2]), Number(t[3] ?? "0")];
  const ms = Number(((t[4] ?? "") + "000").slice(0, 3));
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const at = new Date(0);
  at.setUTCFullYear(year, month - 1, day); // setUTCFullYear, unlike Date.UTC, keeps years 0-99 as they are
  at.setUTCHours(hour, minute, second, ms);
  if (at.getUTCFullYear() !== year || at.getUTCMonth() !== month - 1 || at.getUTCDate() !== day)
    return undefined;
  return at.getTime();
}
