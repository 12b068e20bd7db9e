import type { EntityObject } from "./EntityGraph.js";

/** The `$id` of an entity object, as a string; `undefined` when it has none. */
export function readEntityId(object: EntityObject): string | undefined {
  return idText(object.$id);
}

/**
 * The target of a `{"$ref":"N"}` stub, as a string; `undefined` when the object is not a stub. Json.NET writes a
 * stub as an object whose only key is `$ref`; any object carrying a string or number `$ref` is taken as one.
 */
export function readEntityRef(object: EntityObject): string | undefined {
  return Object.hasOwn(object, "$ref") ? idText(object.$ref) : undefined;
}

// Json.NET writes ids as strings; hand-made exports sometimes write numbers, which mean the same id.
function idText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}
