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
 * as a whole is JSON lines (one broken line must not cost the others); anything else is CSV with a header.
 */
export function detectAlertFormat(text: string): AlertFormat {
  const start = text.trimStart();
  if (start === "") return { kind: "empty" };
  const opening = start[0];
  if (opening !== "[" && opening !== "{") return { kind: "csv" };
  try {
    return { kind: "json", value: JSON.parse(start) as unknown };
  } catch (error) {
    const firstLine = start.split("\n", 1)[0]?.trim();
    if (opening === "{" && firstLine !== "{") return { kind: "jsonl" };
    return { kind: "invalid-json", reason: error instanceof Error ? error.message : String(error) };
  }
}
