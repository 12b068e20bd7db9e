import { readFileSync } from "node:fs";

import fc from "fast-check";
import { describe, expect, it } from "vitest";

import type { EntityGraph } from "../../../../lib/core/entities/EntityGraph.js";
import {
  parseEntityGraph,
  readEntityId,
  readEntityRef,
} from "../../../../lib/core/entities/parseEntityGraph.js";
import { isEntityType } from "../../../../lib/core/entities/readEntityField.js";
import { processAncestors, readProcess } from "../../../../lib/core/entities/readProcess.js";
import { ASC_ENTITIES, byId, graphOf, MDATP_ENTITIES } from "./sampleAlerts.js";

const idsOf = (entities: readonly Readonly<Record<string, unknown>>[]) =>
  entities.map((entity) => entity.$id);

describe("parseEntityGraph on the real MDATP alert (nested entities, $ref stubs)", () => {
  const graph = graphOf(MDATP_ENTITIES);

  it("keeps the top-level array as stored, stubs included", () => {
    expect(graph.topLevel).toHaveLength(15);
    expect(graph.topLevel[2]).toEqual({ $ref: "8" });
  });

  it("lists every entity once, nested ones included, in document order", () => {
    expect(idsOf(graph.entities)).toEqual([
      "2",
      "3",
      "4",
      "5",
      "6",
      "7",
      "8",
      "9",
      "10",
      "11",
      "12",
      "13",
      "14",
      "15",
      "16",
    ]);
  });

  it("does not take top-level $ref stubs for new entities", () => {
    expect(graph.entities.some((entity) => "$ref" in entity)).toBe(false);
    expect(graph.entities.filter((entity) => entity.$id === "8")).toHaveLength(1);
  });

  it("indexes the objects Defender inlined at first use", () => {
    expect(byId(graph, "4")).toMatchObject({ Name: "cmd.exe", Type: "file" });
    expect(byId(graph, "8")).toMatchObject({ ProcessId: "2056", Type: "process" });
    expect(byId(graph, "6")).toMatchObject({ Algorithm: "MD5", Type: "filehash" });
  });

  it("resolves a later $ref to the object inlined earlier (process 14's ImageFile is process 3's cmd.exe)", () => {
    const process3 = byId(graph, "3");
    const process14 = byId(graph, "14");
    expect(process14.ImageFile).toEqual({ $ref: "4" });
    expect(graph.resolve(process14.ImageFile)).toBe(process3.ImageFile);
  });

  it("returns an object that is not a stub as it is", () => {
    const process3 = byId(graph, "3");
    expect(graph.resolve(process3.ImageFile)).toBe(process3.ImageFile);
  });

  it("resolves nothing that is not an object", () => {
    for (const value of [undefined, null, "4", 4, [{ $ref: "4" }]])
      expect(graph.resolve(value)).toBeUndefined();
  });

  it("reports no issues for a well-formed alert", () => {
    expect(graph.issues).toEqual([]);
  });

  it("gives the same graph for the pretty-printed copy and for an already parsed value", () => {
    const pretty = readFileSync(
      new URL("../../../fixtures/alerts/MDATP_TestAlert_Entities.pretty.json", import.meta.url),
      "utf8",
    );
    expect(idsOf(graphOf(pretty).entities)).toEqual(idsOf(graph.entities));
    expect(idsOf(graphOf(JSON.parse(MDATP_ENTITIES)).entities)).toEqual(idsOf(graph.entities));
  });
});

describe("parseEntityGraph on the real Azure Security Center alert (flat, refs to top-level entities)", () => {
  const graph = graphOf(ASC_ENTITIES);

  it("resolves Host, ImageFile, Account and ParentProcess references to top-level entities", () => {
    const process = byId(graph, "6");
    expect(graph.resolve(process.Host)).toBe(graph.topLevel[0]);
    expect(graph.resolve(process.ImageFile)).toMatchObject({ Name: "sample.exe" });
    expect(graph.resolve(process.Account)).toMatchObject({ Name: "Sample-account" });
    expect(graph.resolve(process.ParentProcess)).toMatchObject({ ProcessId: "0x1020" });
  });

  it("resolves a FileHashes reference inside an array", () => {
    const file = byId(graph, "9");
    const hashes = file.FileHashes as unknown[];
    expect(graph.resolve(hashes[0])).toMatchObject({ Algorithm: "SHA256", Value: "Sample-SHA" });
  });

  it("lists the eight entities once each", () => {
    expect(idsOf(graph.entities)).toEqual(["2", "3", "4", "5", "6", "7", "8", "9"]);
    expect(graph.issues).toEqual([]);
  });
});

describe("parseEntityGraph on Entities it cannot read", () => {
  it.each([
    ["an object", '{"$id":"2","Type":"host"}', "Entities must be a JSON array, found object"],
    ["a number", "42", "Entities must be a JSON array, found number"],
    ["null", "null", "Entities must be a JSON array, found null"],
    ["an empty string", "", "Entities must be a JSON array, found an empty string"],
    ["blanks", "  \n", "Entities must be a JSON array, found an empty string"],
    ["a parsed object", { Type: "host" }, "Entities must be a JSON array, found object"],
    ["a parsed null", null, "Entities must be a JSON array, found null"],
    ["nothing", undefined, "Entities is missing: expected a JSON array of entities"],
  ])("reports %s with what was expected", (_name, entities, reason) => {
    expect(parseEntityGraph(entities)).toEqual({ ok: false, reason });
  });

  it("reports invalid JSON with the parser's position", () => {
    const result = parseEntityGraph('[{"$id":"2",,"Type":"host"}]');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/^Entities is not valid JSON: .*position 12/);
  });

  it("reads an empty array as an alert without entities", () => {
    const graph = graphOf("[]");
    expect(graph.entities).toEqual([]);
    expect(graph.issues).toEqual([]);
  });
});

describe("parseEntityGraph on damaged references", () => {
  it("resolves a dangling $ref to undefined and records it once", () => {
    const graph = graphOf([
      { $id: "2", Type: "process", ParentProcess: { $ref: "9" } },
      { $id: "3", Type: "process", ParentProcess: { $ref: "9" } },
    ]);
    expect(graph.resolve(byId(graph, "2").ParentProcess)).toBeUndefined();
    expect(graph.issues).toEqual(['$ref "9" has no matching $id']);
  });

  it("keeps the first object of a repeated $id and records it", () => {
    const graph = graphOf([
      { $id: "2", Type: "host", HostName: "first" },
      { $id: "2", Type: "host", HostName: "second" },
      { $id: "3", Type: "process", Host: { $ref: "2" } },
    ]);
    expect(graph.resolve(byId(graph, "3").Host)).toMatchObject({ HostName: "first" });
    expect(graph.issues).toEqual(['$id "2" appears more than once; the first object is kept']);
    expect(graph.entities).toHaveLength(3);
  });

  it("resolves a process that is its own parent to itself without looping", () => {
    const graph = graphOf('[{"$id":"2","Type":"process","ParentProcess":{"$ref":"2"}}]');
    const process = byId(graph, "2");
    expect(graph.resolve(process.ParentProcess)).toBe(process);
  });

  it("resolves a two-process cycle one hop at a time", () => {
    const graph = graphOf(
      '[{"$id":"2","Type":"process","ParentProcess":{"$id":"3","Type":"process","ParentProcess":{"$ref":"2"}}}]',
    );
    const a = byId(graph, "2");
    const b = byId(graph, "3");
    expect(graph.resolve(a.ParentProcess)).toBe(b);
    expect(graph.resolve(b.ParentProcess)).toBe(a);
    expect(idsOf(graph.entities)).toEqual(["2", "3"]);
  });

  it("survives a parsed value that really contains itself", () => {
    const process: Record<string, unknown> = { $id: "2", Type: "process" };
    process.ParentProcess = process;
    const graph = graphOf([process, process]);
    expect(graph.entities).toEqual([process]);
  });

  it("takes numeric $id and $ref for the same ids as strings", () => {
    const graph = graphOf([
      { $id: 2, Type: "host" },
      { $id: 3, Type: "process", Host: { $ref: 2 } },
    ]);
    expect(graph.resolve(byId(graph, "3").Host)).toMatchObject({ Type: "host" });
  });

  it("keeps references within one alert: the same $id in another alert is another entity", () => {
    const first = graphOf([{ $id: "2", Type: "host", HostName: "web01" }]);
    const second = graphOf([
      { $id: "2", Type: "host", HostName: "sql01" },
      { $id: "3", Type: "process", Host: { $ref: "2" } },
    ]);
    expect(second.resolve(byId(second, "3").Host)).toMatchObject({ HostName: "sql01" });
    expect(first.lookup("3")).toBeUndefined();
  });
});

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
