import type { EntityObject } from "./EntityGraph.js";

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
