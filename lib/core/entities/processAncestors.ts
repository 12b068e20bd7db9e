import type { EntityGraph, EntityObject } from "./EntityGraph.js";
import type { ProcessEntity } from "./readProcess.js";
import { readProcess } from "./readProcess.js";

/**
 * The parent chain of a process, nearest first (parent, grandparent, …). Stops at a missing or dangling parent and
 * at the first object seen before, so a cycle in the data (a process that is its own ancestor) ends the walk
 * instead of hanging it.
 */
export function processAncestors(graph: EntityGraph, process: ProcessEntity): ProcessEntity[] {
  const seen = new Set<EntityObject>([process.entity]);
  const ancestors: ProcessEntity[] = [];
  let next = process.parent;
  while (next !== undefined && !seen.has(next)) {
    seen.add(next);
    const ancestor = readProcess(graph, next);
    ancestors.push(ancestor);
    next = ancestor.parent;
  }
  return ancestors;
}
