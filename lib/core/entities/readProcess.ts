import { parseTimestamp } from "../model/parseTimestamp.js";
import type { EntityGraph, EntityObject } from "./EntityGraph.js";
import { readEntityField, readEntityString } from "./readEntityField.js";

/** A `process` entity with its references followed one hop: the fields the engine correlates on. */
export interface ProcessEntity {
  readonly entity: EntityObject;
  readonly processId: string;
  readonly commandLine: string;
  /** `CreationTimeUtc` as epoch milliseconds (UTC); `undefined` when absent or not a timestamp. */
  readonly creationTimeUtc: number | undefined;
  /** `Name` of the resolved `ImageFile` (e.g. `cmd.exe`); `""` when the process has no image. */
  readonly imageName: string;
  /** `Directory` of the resolved `ImageFile`. */
  readonly imageDirectory: string;
  /** The resolved `ParentProcess`; read it with {@link readProcess} or walk with `processAncestors`. */
  readonly parent: EntityObject | undefined;
  /** The resolved `Host` (Defender for Cloud links it; Defender for Endpoint usually does not). */
  readonly host: EntityObject | undefined;
}

/**
 * Reads a process entity, following its `ImageFile`, `ParentProcess` and `Host` references within the alert.
 * `CreationTimeUtc` is the engine's time anchor (docs/design.md §2, B4); `CreatedTimeUtc`, which Defender for Endpoint writes
 * with the same value, stands in when it is missing.
 */
export function readProcess(graph: EntityGraph, entity: EntityObject): ProcessEntity {
  const image = graph.resolve(readEntityField(entity, "ImageFile"));
  return {
    entity,
    processId: readEntityString(entity, "ProcessId"),
    commandLine: readEntityString(entity, "CommandLine"),
    creationTimeUtc: readTime(entity, "CreationTimeUtc") ?? readTime(entity, "CreatedTimeUtc"),
    imageName: image === undefined ? "" : readEntityString(image, "Name"),
    imageDirectory: image === undefined ? "" : readEntityString(image, "Directory"),
    parent: graph.resolve(readEntityField(entity, "ParentProcess")),
    host: graph.resolve(readEntityField(entity, "Host")),
  };
}

function readTime(entity: EntityObject, name: string): number | undefined {
  const text = readEntityString(entity, name);
  return text === "" ? undefined : parseTimestamp(text);
}

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
