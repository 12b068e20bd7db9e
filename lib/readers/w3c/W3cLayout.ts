import type { NumberColumn, TextColumn } from "../../core/model/WebRequest.js";
import { lookupW3cField, type W3cField } from "./w3cFieldMap.js";

/** A field of the layout that fills a column, by its position on the line. */
export type W3cMappedField = Extract<W3cField, { kind: "text" | "number" }> & { index: number };

/**
 * The columns of the data lines that follow one `#Fields` directive. Positions are 0-based; `-1` means the field is
 * not logged.
 */
export interface W3cLayout {
  /** Line of the `#Fields` directive, to point at it when a data line does not fit. */
  readonly line: number;
  readonly fieldCount: number;
  readonly dateIndex: number;
  readonly timeIndex: number;
  readonly stemIndex: number;
  /** Whether `s-computername` is logged; without it the reader falls back to the caller's host name. */
  readonly hasComputerName: boolean;
  /** The fields that fill a text or number column, in line order (a repeated field: the last one wins). */
  readonly mapped: readonly W3cMappedField[];
  /** Position of the field that fills each column (the last one when repeated), for readers that pick fields. */
  readonly columnIndex: Readonly<Partial<Record<TextColumn | NumberColumn, number>>>;
}

const DIRECTIVE = "#fields:";

/**
 * Reads a `#Fields:` directive (`#Fields: date time cs-uri-stem ...`, any subset and order) into a layout, or
 * returns `undefined` when the line is another directive (`#Software`, `#Date`, ...), which readers ignore.
 *
 * @example parseFieldsDirective("#Fields: date time cs-uri-stem", 4)?.stemIndex // 2
 */
export function parseFieldsDirective(line: string, lineNumber: number): W3cLayout | undefined {
  if (line.slice(0, DIRECTIVE.length).toLowerCase() !== DIRECTIVE) return undefined;
  const names = line
    .slice(DIRECTIVE.length)
    .split(/\s+/)
    .filter((name) => name !== "");
  let dateIndex = -1;
  let timeIndex = -1;
  let stemIndex = -1;
  let hasComputerName = false;
  const mapped: W3cMappedField[] = [];
  const columnIndex: Partial<Record<TextColumn | NumberColumn, number>> = {};
  names.forEach((name, index) => {
    const field = lookupW3cField(name);
    if (field === undefined) return;
    if (field.kind === "date") dateIndex = index;
    else if (field.kind === "time") timeIndex = index;
    else {
      if (field.column === "csUriStem") stemIndex = index;
      if (field.column === "sComputerName") hasComputerName = true;
      mapped.push({ index, ...field });
      columnIndex[field.column] = index;
    }
  });
  return {
    line: lineNumber,
    fieldCount: names.length,
    dateIndex,
    timeIndex,
    stemIndex,
    hasComputerName,
    mapped,
    columnIndex,
  };
}
