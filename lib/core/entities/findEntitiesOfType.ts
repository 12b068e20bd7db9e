import type { EntityGraph, EntityObject } from "./EntityGraph.js";
import { isEntityType } from "./isEntityType.js";

/**
 * The entities of one `Type` (case-insensitive) found at any depth of the alert, in document order: the processes
 * Defender nests as `ParentProcess` count as much as the top-level ones.
 */
export function findEntitiesOfType(graph: EntityGraph, type: string): EntityObject[] {
  return graph.entities.filter((entity) => isEntityType(entity, type));
}
