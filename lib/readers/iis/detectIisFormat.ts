import { exportColumnFor } from "./exportColumnFor.js";
import type { IisFormat } from "./IisReadSummary.js";

/** What the first bytes of a file say it is. */
export type IisFormatGuess =
  { format: IisFormat } | { format: "empty" } | { format: "unsupported"; reason: string };

/**
 * Tells the format of an IIS input from its first (decompressed) bytes, not its name: after an optional UTF-8 byte
 * order mark and blank space, `#` is a W3C log, `[` a JSON array export, `{` a JSON lines export; otherwise a first
 * line with a `TimeGenerated` header cell is a CSV export, and anything else is taken as a W3C log (whose lines
 * will then be reported for lacking a `#Fields` header). UTF-16 is refused with a reason.
 *
 * @example detectIisFormat(Buffer.from("#Software: Microsoft Internet Information Services 10.0")) // { format: "w3c" }
 */
export function detectIisFormat(head: Buffer): IisFormatGuess {
  if (head[0] === 0xff && head[1] === 0xfe)
    return { format: "unsupported", reason: utf16Reason("LE", "FF FE") };
  if (head[0] === 0xfe && head[1] === 0xff)
    return { format: "unsupported", reason: utf16Reason("BE", "FE FF") };
  let at = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (at < head.length && isBlank(head[at]!)) at += 1;
  if (at === head.length) return { format: "empty" };
  switch (head[at]) {
    case 0x23: // #
      return { format: "w3c" };
    case 0x5b: // [
      return { format: "json" };
    case 0x7b: // {
      return { format: "jsonl" };
  }
  const lineEnd = head.indexOf(0x0a, at);
  const firstLine = head.toString("utf8", at, lineEnd === -1 ? head.length : lineEnd);
  const hasTimeColumn = firstLine
    .split(",")
    .some((cell) => exportColumnFor(cell.trim().replace(/^"(.*)"$/, "$1")) === "TimeGenerated");
  return { format: hasTimeColumn ? "csv" : "w3c" };
}

function utf16Reason(order: string, bom: string): string {
  return `UTF-16 ${order} text (byte order mark ${bom}) is not supported: expected UTF-8 (IIS's default); convert the file to UTF-8 and read it again`;
}

function isBlank(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0d || byte === 0x0a;
}
