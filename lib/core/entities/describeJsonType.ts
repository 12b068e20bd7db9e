/**
 * The JSON type of a value as people name it in messages: `null`, `array`, `object`, `string`, `number`,
 * `boolean` (and `undefined` for a missing value).
 *
 * @example `Entities must be a JSON array, found ${describeJsonType({})}` // "… found object"
 */
export function describeJsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}
