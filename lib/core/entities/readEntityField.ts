import type { EntityObject } from "./EntityGraph.js";

/**
 * A field of an entity by name: the exact key first, else the first key equal ignoring case. Alert providers do not
 * agree on casing (`AzureID` from Defender for Cloud, `AzureId` elsewhere), and a miss here would silently drop a host.
 */
export function readEntityField(entity: EntityObject, name: string): unknown {
  if (Object.hasOwn(entity, name)) return entity[name];
  const wanted = name.toLowerCase();
  for (const key of Object.keys(entity)) {
    if (key.toLowerCase() === wanted) return entity[key];
  }
  return undefined;
}

/**
 * A field as text: strings as they are, numbers and booleans written out (some exports give `ProcessId` as a
 * number), `""` for anything else, as Kusto reads a missing string.
 */
export function readEntityString(entity: EntityObject, name: string): string {
  const value = readEntityField(entity, name);
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return "";
}

/**
 * Whether a value is an entity of the given `Type`, ignoring case: alert providers write `process` and `Process`.
 *
 * @example isEntityType({ Type: "Process" }, "process") // true
 */
export function isEntityType(value: unknown, type: string): value is EntityObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const actual = (value as EntityObject).Type;
  return typeof actual === "string" && actual.toLowerCase() === type.toLowerCase();
}

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
