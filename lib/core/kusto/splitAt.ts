/**
 * Kusto `tostring(split(text, separator)[index])`: negative indexes count from the end, and an index outside the
 * array gives `""` (Kusto's null, turned into a string by `tostring`).
 *
 * @example splitAt("/shells/cmd.aspx", "/", -1) // "cmd.aspx"
 * @example splitAt("/cmd.aspx", "/", -2) // ""
 * @example splitAt("cmd.aspx", "/", -2) // "" (out of range)
 */
export function splitAt(text: string, separator: string, index: number): string {
  const parts = text.split(separator);
  const at = index < 0 ? parts.length + index : index;
  return parts[at] ?? "";
}
