/**
 * An entity before serialization: its properties in output order, where a value may itself be an entity (or a
 * list of entities) that serialization turns into an inline object or a `{"$ref"}`.
 */
export interface EntityNode {
  readonly props: Readonly<Record<string, EntityValue>>;
}
/** A property value of an {@link EntityNode}. */
export type EntityValue = string | number | boolean | null | EntityNode | readonly EntityValue[];

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function isNode(value: EntityValue): value is EntityNode {
  return typeof value === "object" && value !== null && !Array.isArray(value) && "props" in value;
}

/**
 * Defender for Endpoint's layout: `$id`s numbered from `firstId` ("2" as Defender writes them) in order of first
 * appearance, every entity written in full at its first use (nested inside the entity that uses it) and as a
 * `{"$ref"}` stub everywhere after; each top-level entity is followed by stubs for the entities first written
 * inside it.
 */
export function serializeNested(roots: readonly EntityNode[], firstId = 2): Json[] {
  const ids = new Map<EntityNode, string>();
  const emit = (node: EntityNode, firstSeen: EntityNode[]): Json => {
    const known = ids.get(node);
    if (known !== undefined) return { $ref: known };
    const id = String(ids.size + firstId);
    ids.set(node, id);
    firstSeen.push(node);
    const out: { [key: string]: Json } = { $id: id };
    for (const [key, value] of Object.entries(node.props)) out[key] = convert(value, firstSeen);
    return out;
  };
  const convert = (value: EntityValue, firstSeen: EntityNode[]): Json => {
    if (isNode(value)) return emit(value, firstSeen);
    if (Array.isArray(value)) return value.map((v: EntityValue) => convert(v, firstSeen));
    return value as Json;
  };
  const top: Json[] = [];
  for (const root of roots) {
    const firstSeen: EntityNode[] = [];
    top.push(emit(root, firstSeen));
    for (const nested of firstSeen.slice(1)) top.push({ $ref: ids.get(nested) ?? "" });
  }
  return top;
}

/**
 * The flat layout (older alerts, Azure Security Center): every entity at the top level with its own `$id`
 * (`firstId`, `firstId` + 1, … in list order) and every reference between entities a `{"$ref"}`.
 *
 * @throws RangeError when an entity refers to one that is not in the list.
 */
export function serializeFlat(entities: readonly EntityNode[], firstId = 2): Json[] {
  const ids = new Map(entities.map((node, i) => [node, String(i + firstId)]));
  const convert = (value: EntityValue): Json => {
    if (isNode(value)) {
      const id = ids.get(value);
      if (id === undefined)
        throw new RangeError("serializeFlat: an entity refers to one missing from the list");
      return { $ref: id };
    }
    if (Array.isArray(value)) return value.map((v: EntityValue) => convert(v));
    return value as Json;
  };
  return entities.map((node) => {
    const out: { [key: string]: Json } = { $id: ids.get(node) ?? "" };
    for (const [key, value] of Object.entries(node.props)) out[key] = convert(value);
    return out;
  });
}
