/**
 * Kusto `tostring()` of a dynamic value: `""` for null/missing, strings as they are, numbers and booleans as
 * their text, arrays and property bags as compact JSON.
 *
 * @example toKustoString({ $ref: "4" }) // '{"$ref":"4"}'
 */
export function toKustoString(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
    return String(value);
  return JSON.stringify(value);
}

/** Kusto `value.property` on a dynamic value: the property of a bag, else null (`undefined`). */
export function getProperty(value: unknown, property: string): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  return (value as Record<string, unknown>)[property];
}
