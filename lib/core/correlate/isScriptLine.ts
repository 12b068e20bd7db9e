import { type AsciiTerms, asciiTerms, hasAny, hasAnyAscii } from "../kusto.js";
import type { RequestLine } from "../model/RequestLine.js";
import type { DistinctIpBaseline } from "./DistinctIpBaseline.js";

/** What a correlator notes per baseline key (`DistinctIpBaseline.noteOf`): not worked out yet, or the answer. */
const UNKNOWN = 0;
const NOT_SCRIPT = 1;
const SCRIPT = 2;

/** The script page terms in both forms `isScriptLine` reads them in. */
export interface ScriptTerms {
  text: readonly string[];
  ascii: AsciiTerms;
}

export function scriptTerms(extensions: readonly string[]): ScriptTerms {
  return { text: extensions, ascii: asciiTerms(extensions) };
}

/**
 * Whether the line's page is a script page (`has_any` of the terms: docs/design.md §2, B8), worked out once per
 * baseline key and noted on it: on the page's bytes when the line is ASCII, else on its text. A key is one page, or
 * one page on a host or site, so every line of a key has the same answer.
 */
export function isScriptLine(
  line: RequestLine,
  key: number,
  baseline: DistinctIpBaseline,
  terms: ScriptTerms,
): boolean {
  let note = baseline.noteOf(key);
  if (note === UNKNOWN) {
    const script = line.ascii
      ? hasAnyAscii(line.buf, line.stemStart(), line.stemEnd(), terms.ascii)
      : hasAny(line.text("csUriStem"), terms.text);
    note = script ? SCRIPT : NOT_SCRIPT;
    baseline.setNote(key, note);
  }
  return note === SCRIPT;
}
