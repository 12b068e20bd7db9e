import fc from "fast-check";
import { describe, expect, it } from "vitest";

import type { EntityGraph } from "../../../../lib/core/entities/EntityGraph.js";
import { isEntityType } from "../../../../lib/core/entities/isEntityType.js";
import { parseEntityGraph } from "../../../../lib/core/entities/parseEntityGraph.js";
import { processAncestors } from "../../../../lib/core/entities/processAncestors.js";
import { readEntityId, readEntityRef } from "../../../../lib/core/entities/readEntityId.js";
import { readProcess } from "../../../../lib/core/entities/readProcess.js";

// Small id space, so that refs hit, miss, repeat and form cycles (self and longer) often.
const id = fc.constantFrom("1", "2", "3", "4", "5");
const type = fc.constantFrom("process", "Process", "file", "host", "ip", "filehash");

const entity = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record({ $ref: id }),
    fc.record(
      {
        $id: id,
        Type: type,
        Name: fc.string(),
        ParentProcess: tie("node"),
        ImageFile: tie("node"),
        FileHashes: fc.array(tie("node"), { maxLength: 3 }),
      },
      { requiredKeys: ["$id", "Type"] },
    ),
    fc.jsonValue({ maxDepth: 2 }),
  ),
}));

const graphs = fc.array(entity.node, { maxLength: 8 });

/** Every object in the value in document order, stubs included but not looked into (an independent oracle). */
function objectsIn(value: unknown, out: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(value)) for (const item of value) objectsIn(item, out);
  else if (typeof value === "object" && value !== null) {
    const object = value as Record<string, unknown>;
    out.push(object);
    if (readEntityRef(object) === undefined) for (const item of Object.values(object)) objectsIn(item, out);
  }
  return out;
}

function expectGraph(result: ReturnType<typeof parseEntityGraph>): asserts result is EntityGraph {
  expect(result.ok).toBe(true);
}

describe("parseEntityGraph (properties)", () => {
  it("never throws on any JSON value, parsed or as text", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(() => parseEntityGraph(value)).not.toThrow();
        expect(() => parseEntityGraph(JSON.stringify(value))).not.toThrow();
        expect(parseEntityGraph(value).ok).toBe(Array.isArray(value));
      }),
    );
  });

  it("never throws on text that is not JSON", () => {
    fc.assert(fc.property(fc.string(), (text) => void expect(() => parseEntityGraph(text)).not.toThrow()));
  });

  it("resolves every $ref to an object whose $id is that ref, or to nothing with an issue", () => {
    fc.assert(
      fc.property(graphs, (entities) => {
        const graph = parseEntityGraph(JSON.stringify(entities));
        expectGraph(graph);
        for (const object of objectsIn(graph.topLevel)) {
          const ref = readEntityRef(object);
          if (ref === undefined) continue;
          const target = graph.resolve(object);
          if (target === undefined) expect(graph.issues).toContain(`$ref "${ref}" has no matching $id`);
          else expect(readEntityId(target)).toBe(ref);
        }
      }),
    );
  });

  it("lists exactly the typed objects outside stubs, each once, in document order", () => {
    fc.assert(
      fc.property(graphs, (entities) => {
        const graph = parseEntityGraph(JSON.stringify(entities));
        expectGraph(graph);
        const typed = objectsIn(graph.topLevel).filter(
          (object) =>
            readEntityRef(object) === undefined && typeof object.Type === "string" && object.Type !== "",
        );
        expect(graph.entities).toEqual(typed);
        expect(new Set(graph.entities).size).toBe(graph.entities.length);
      }),
    );
  });

  it("ends every ancestor walk, whatever cycles the references form, without visiting a process twice", () => {
    fc.assert(
      fc.property(graphs, (entities) => {
        const graph = parseEntityGraph(entities);
        expectGraph(graph);
        for (const entity of graph.entities.filter((candidate) => isEntityType(candidate, "process"))) {
          const process = readProcess(graph, entity);
          const chain = [process, ...processAncestors(graph, process)].map((link) => link.entity);
          expect(new Set(chain).size).toBe(chain.length);
        }
      }),
    );
  });
});
