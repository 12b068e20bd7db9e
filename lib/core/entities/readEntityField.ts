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
