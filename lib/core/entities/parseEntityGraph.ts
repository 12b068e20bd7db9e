import type { EntityGraph, EntityGraphError, EntityObject } from "./EntityGraph.js";
import { describeJsonType } from "./readEntityField.js";

/**
 * Parses one alert's `Entities` column (the JSON string as stored, or a value already parsed) into an
 * {@link EntityGraph}. Every object carrying `$id` at any depth is indexed, because Defender for Endpoint inlines a
 * nested entity at its first use and leaves `{"$ref":"N"}` stubs everywhere else (docs/design.md §2, B3).
 *
 * Never throws: input that is not a JSON array gives an {@link EntityGraphError} with the reason, and oddities that
 * still leave a usable graph (dangling `$ref`, repeated `$id`) are listed in `issues`.
 *
 * @example
 * const graph = parseEntityGraph(row.Entities);
 * if (!graph.ok) diagnostics.skip({ source, alertId, reason: graph.reason });
 */
export function parseEntityGraph(entities: unknown): EntityGraph | EntityGraphError {
  const topLevel = toTopLevelArray(entities);
  if (typeof topLevel === "string") return { ok: false, reason: topLevel };

  const byId = new Map<string, EntityObject>();
  const found: EntityObject[] = [];
  const referenced = new Set<string>();
  const issues: string[] = [];
  // A value handed over already parsed may share or even contain itself; JSON.parse output never does.
  const visited = new Set<object>();
  const stack: unknown[] = [...topLevel].reverse();

  // Depth-first, pre-order, with an explicit stack: document order, and no recursion depth limit on hostile input.
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value !== "object" || value === null || visited.has(value)) continue;
    visited.add(value);
    if (Array.isArray(value)) {
      pushReversed(stack, value);
      continue;
    }
    const object = value as EntityObject;
    const ref = readEntityRef(object);
    if (ref !== undefined) {
      referenced.add(ref);
      continue;
    }
    const id = readEntityId(object);
    if (id !== undefined) {
      if (byId.has(id)) issues.push(`$id "${id}" appears more than once; the first object is kept`);
      else byId.set(id, object);
    }
    if (typeof object.Type === "string" && object.Type !== "") found.push(object);
    pushReversed(stack, Object.values(object));
  }

  for (const ref of referenced) {
    if (!byId.has(ref)) issues.push(`$ref "${ref}" has no matching $id`);
  }

  return {
    ok: true,
    topLevel,
    entities: found,
    issues,
    lookup: (id) => byId.get(id),
    resolve(value) {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
      const object = value as EntityObject;
      const ref = readEntityRef(object);
      return ref === undefined ? object : byId.get(ref);
    },
  };
}

function toTopLevelArray(entities: unknown): unknown[] | string {
  if (entities === undefined) return "Entities is missing: expected a JSON array of entities";
  let value: unknown = entities;
  if (typeof entities === "string") {
    if (entities.trim() === "") return "Entities must be a JSON array, found an empty string";
    try {
      value = JSON.parse(entities) as unknown;
    } catch (error) {
      return `Entities is not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  if (!Array.isArray(value)) return `Entities must be a JSON array, found ${describeJsonType(value)}`;
  return value as unknown[];
}

function pushReversed(stack: unknown[], values: readonly unknown[]): void {
  for (let index = values.length - 1; index >= 0; index -= 1) stack.push(values[index]);
}

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
