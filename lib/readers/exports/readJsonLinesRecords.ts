import type { Readable } from "node:stream";

import { describeJsonType } from "../../core/entities/readEntityField.js";
import { readTextLines } from "../files/readTextLines.js";
import type { ExportItem } from "./readExportRecords.js";
import { recordsOfDocument } from "./readJsonDocument.js";

/**
 * The records of a JSON-lines export, one object per line, streamed a line at a time. Blank lines are passed over;
 * a line that is not valid JSON, or not an object, is reported at its line and the next lines are read, whichever
 * line it is (the first one included). A line holding a whole query answer or a wrapper object (`{"tables": …}`,
 * `{"rows": […]}`, `{"value": […]}`) gives the rows inside it.
 */
export async function* readJsonLinesRecords(stream: Readable): AsyncGenerator<ExportItem> {
  for await (const { line, text } of readTextLines(stream)) {
    const content = text.trim();
    if (content === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(content);
    } catch (error) {
      yield {
        kind: "bad",
        line,
        reason: `not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      };
      continue;
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      yield {
        kind: "bad",
        line,
        reason: `expected a JSON object on each line, found ${describeJsonType(value)}`,
      };
      continue;
    }
    // A wrapped answer on one line: its rows keep the line's number, as they have no line of their own.
    for (const item of recordsOfDocument(value as Record<string, unknown>))
      yield item.kind === "record" || item.kind === "bad" ? { ...item, line } : item;
  }
}
