import type { EntityGraph, EntityObject } from "./EntityGraph.js";
import { findEntitiesOfType } from "./findEntitiesOfType.js";
import { readEntityString } from "./readEntityField.js";

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
