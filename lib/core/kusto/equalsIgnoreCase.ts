/**
 * Kusto `=~`: case-insensitive string equality.
 *
 * @example equalsIgnoreCase("MDATP", "mdatp") // true
 */
export function equalsIgnoreCase(left: string, right: string): boolean {
  return left.length === right.length && left.toLowerCase() === right.toLowerCase();
}
