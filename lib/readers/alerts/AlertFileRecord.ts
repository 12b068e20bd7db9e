/**
 * One record of an alert file before it is mapped to an `AlertRow`: the column values by name, or the reason the
 * record could not even be split into columns (invalid JSON line, CSV field count). `line` is the 1-based line where
 * the record starts (JSONL, CSV) or its 1-based position in a JSON array.
 */
export type AlertFileRecord =
  | { readonly line: number; readonly record: Readonly<Record<string, unknown>> }
  | { readonly line: number; readonly reason: string };
