import type { EntityGraph, EntityObject } from "./EntityGraph.js";
import { isEntityType, readEntityString } from "./readEntityField.js";

/**
 * The entities of one `Type` (case-insensitive) found at any depth of the alert, in document order: the processes
 * Defender nests as `ParentProcess` count as much as the top-level ones.
 */
export function findEntitiesOfType(graph: EntityGraph, type: string): EntityObject[] {
  return graph.entities.filter((entity) => isEntityType(entity, type));
}

/**
 * The `file` entities, at any depth, whose `Name` equals one of `names` ignoring case: e.g. the alert's web-server
 * worker image (`w3wp.exe`), which Defender for Endpoint usually nests as a process's `ImageFile`.
 *
 * @example findFilesNamed(graph, ["w3wp.exe"]).length > 0 // the alert involves an IIS worker
 */
export function findFilesNamed(graph: EntityGraph, names: readonly string[]): EntityObject[] {
  const wanted = new Set(names.map((name) => name.toLowerCase()));
  return findEntitiesOfType(graph, "file").filter((file) =>
    wanted.has(readEntityString(file, "Name").toLowerCase()),
  );
}
