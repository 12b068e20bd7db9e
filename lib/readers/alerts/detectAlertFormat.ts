/** How an alert file is laid out, as told by its content. */
export type AlertFormat =
  | { readonly kind: "empty" }
  /** One JSON document (array of rows, `{rows}`, `{value}`, a query response…), already parsed. */
  | { readonly kind: "json"; readonly value: unknown }
  /** One JSON object per line. */
  | { readonly kind: "jsonl" }
  | { readonly kind: "csv" }
  /** Meant as one JSON document (it opens with `[`, or a lone `{` line) but does not parse. */
  | { readonly kind: "invalid-json"; readonly reason: string };

/**
 * Tells the format of an alert file from its text, not its name: exports get renamed, and the portal, the CLI and
 * scripts disagree on extensions. A whole document that parses is JSON; text opening with `{` that does not parse
 * as a whole is JSON lines (one broken line must not cost the others), and so is text whose first line is
 * broken but whose next lines are objects; anything else is CSV with a header.
 */
export function detectAlertFormat(text: string): AlertFormat {
  const start = text.trimStart();
  if (start === "") return { kind: "empty" };
  const opening = start[0];
  if (opening !== "[" && opening !== "{")
    return looksLikeJsonLines(start) ? { kind: "jsonl" } : { kind: "csv" };
  try {
    return { kind: "json", value: JSON.parse(start) as unknown };
  } catch (error) {
    const firstLine = start.split("\n", 1)[0]?.trim();
    if (opening === "{" && firstLine !== "{") return { kind: "jsonl" };
    return { kind: "invalid-json", reason: error instanceof Error ? error.message : String(error) };
  }
}

// JSON-lines whose first line is broken (a banner, a cut-off object, stray bytes) would otherwise be read as CSV,
// fail the header check and lose every good line after it. A CSV export's rows never open with `{`, and its first
// line names the SecurityAlert columns.
function looksLikeJsonLines(text: string): boolean {
  const [first = "", ...rest] = text.split("\n", 22);
  if (/SystemAlertId/i.test(first) && /TimeGenerated/i.test(first)) return false;
  const lines = rest.map((line) => line.trim()).filter((line) => line !== "");
  return lines.length > 0 && 2 * lines.filter((line) => line.startsWith("{")).length > lines.length;
}
