import type { RequestLine } from "../model/RequestLine.js";
import type { StemFilter } from "../scriptStemFilter.js";
import type { DistinctIpBaseline } from "./DistinctIpBaseline.js";

/** What a correlator notes per baseline key (`DistinctIpBaseline.noteOf`): not worked out yet, or the answer. */
const UNKNOWN = 0;
const NOT_SCRIPT = 1;
const SCRIPT = 2;

/**
 * Whether the line's page is a script page (`has_any` of the terms: docs/design.md §2, B8), worked out once per
 * baseline key, on the page's bytes (`makeStemFilter` of the terms, exact on any UTF-8), and noted on the key. A key
 * is one page, or one page on a host or site, so every line of a key has the same answer.
 */
export function isScriptLine(
  line: RequestLine,
  key: number,
  baseline: DistinctIpBaseline,
  isScriptStem: StemFilter,
): boolean {
  let note = baseline.noteOf(key);
  if (note === UNKNOWN) {
    note = isScriptStem(line.buf, line.stemStart(), line.stemEnd()) ? SCRIPT : NOT_SCRIPT;
    baseline.setNote(key, note);
  }
  return note === SCRIPT;
}
