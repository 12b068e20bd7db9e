/** The export layouts the shared reader stack reads (see `readExportRecords`). */
export type ExportFormat = "json" | "jsonl" | "csv";

/**
 * What a file's first bytes say it is. `w3c`: a native IIS log (it opens with a `#` directive). `text`: none of
 * the shapes (no `#`, `[`, `{`, no header naming `TimeGenerated`): a W3C log cut before its directives, or a CSV
 * whose header lacks the table's columns; the caller decides which to try.
 */
export type FormatGuess =
  { format: ExportFormat | "w3c" | "text" | "empty" } | { format: "unsupported"; reason: string };

// JSON lines are told from more than the first line: a cut or damaged first line must not turn the file into
// something else (and lose every good line after it).
const LINES_LOOKED_AT = 21;

/**
 * Tells the format of an input from its first (decompressed) bytes, not its name: exports get renamed, and the
 * portal, the CLI and scripts disagree on extensions. After an optional UTF-8 byte order mark and blank space:
 * `#` is a W3C log; `[` a JSON document; `{` JSON lines when the first line is a whole object, or the next lines
 * hold whole objects behind a damaged first line, else one JSON document (pretty-printed); otherwise a first line with a
 * `TimeGenerated` header cell is CSV, and whole objects on the next lines are JSON lines behind a broken first line.
 * UTF-16, with or without a byte order mark, is refused with the fix.
 *
 * @param head the file's first bytes; `complete` when they are the whole file (its last line is then whole too)
 * @example detectExportFormat(Buffer.from('{"SystemAlertId":"a"}\n'), true) // { format: "jsonl" }
 */
export function detectExportFormat(head: Buffer, complete: boolean): FormatGuess {
  const utf16 = detectUtf16(head);
  if (utf16 !== undefined) return { format: "unsupported", reason: utf16 };
  let at = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  // NULs are the padding IIS leaves in a log it stopped writing abruptly (see `detectUtf16`): blank space here.
  while (at < head.length && (isBlank(head[at]!) || head[at] === 0)) at += 1;
  if (at === head.length) return { format: "empty" };
  const opening = head[at];
  if (opening === 0x23) return { format: "w3c" }; // #
  if (opening === 0x5b) return { format: "json" }; // [

  const lines = wholeLines(head.toString("utf8", at), complete);
  const [first = "", ...next] = lines;
  if (opening === 0x7b) {
    // {
    // No whole line in the head: one long line, which JSON lines reads (a one-line document included). A lone `{`
    // opens a pretty-printed document, unless most of the next lines are whole objects (JSON lines whose first
    // line was cut to its brace); any other first line is a record, whole or damaged, when a next line is one.
    if (lines.length === 0 || isJsonObject(first)) return { format: "jsonl" };
    if (first === "{" ? mostAreObjects(next) : next.some(isJsonObject)) return { format: "jsonl" };
    return { format: "json" };
  }
  if (namesTimeGenerated(first)) return { format: "csv" };
  return next.some(isJsonObject) ? { format: "jsonl" } : { format: "text" };
}

function detectUtf16(head: Buffer): string | undefined {
  if (head[0] === 0xff && head[1] === 0xfe) return utf16Reason("LE", "byte order mark FF FE");
  if (head[0] === 0xfe && head[1] === 0xff) return utf16Reason("BE", "byte order mark FE FF");
  // UTF-16 of ASCII text has a NUL in every other byte, all on one side of each pair. A stray NUL in a UTF-8 file (a
  // damaged line) is not that, nor is a run of NULs (IIS pads a log it had begun when it stops abruptly, then goes
  // on after the padding): both sides alike. Refusing such a file would lose every good row in it.
  const sample = head.subarray(0, 1024);
  let even = 0;
  let odd = 0;
  sample.forEach((byte, index) => {
    if (byte === 0 && index % 2 === 0) even += 1;
    else if (byte === 0) odd += 1;
  });
  if (sample.length < 2 || 4 * (even + odd) < sample.length) return undefined;
  if (10 * Math.min(even, odd) > Math.max(even, odd)) return undefined; // NULs on both sides: padding, not UTF-16
  return utf16Reason(odd >= even ? "LE" : "BE", "no byte order mark");
}

function utf16Reason(order: string, mark: string): string {
  return (
    `UTF-16 ${order} text (${mark}) is not supported: expected UTF-8; save it as UTF-8 ` +
    "(for example PowerShell's Export-Csv -Encoding utf8) and read it again"
  );
}

function wholeLines(text: string, complete: boolean): string[] {
  const lines = text.split("\n");
  if (!complete) lines.pop(); // cut by the head's end
  return lines
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .slice(0, LINES_LOOKED_AT);
}

function isJsonObject(line: string): boolean {
  if (!line.startsWith("{")) return false;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

function mostAreObjects(lines: readonly string[]): boolean {
  return lines.length > 0 && 2 * lines.filter(isJsonObject).length > lines.length;
}

// Both tables' exports carry TimeGenerated, as the portal writes it (`TimeGenerated [UTC]`) or as the API does.
function namesTimeGenerated(line: string): boolean {
  return line
    .split(",")
    .some((cell) => normalizeColumnName(cell.replace(/^\s*"(.*)"\s*$/, "$1")) === "timegenerated");
}

/**
 * The key a column is matched by: trimmed, lower case, without the ` [UTC]` suffix the Log Analytics portal adds to
 * time columns in CSV exports (`TimeGenerated [UTC]` → `timegenerated`).
 */
export function normalizeColumnName(name: string): string {
  return name
    .trim()
    .replace(/\s*\[UTC\]$/i, "")
    .toLowerCase();
}

function isBlank(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0d || byte === 0x0a;
}
