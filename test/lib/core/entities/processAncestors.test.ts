import { describe, expect, it } from "vitest";

import { processAncestors } from "../../../../lib/core/entities/processAncestors.js";
import { readProcess } from "../../../../lib/core/entities/readProcess.js";
import { byId, graphOf, MDATP_ENTITIES } from "./sampleAlerts.js";

const ancestorIds = (entities: string | unknown[], id: string) => {
  const graph = graphOf(entities);
  return processAncestors(graph, readProcess(graph, byId(graph, id))).map((ancestor) => ancestor.entity.$id);
};

describe("processAncestors", () => {
  it("walks the real MDATP chain through $ref stubs: 15 → 14 → 8", () => {
    expect(ancestorIds(MDATP_ENTITIES, "15")).toEqual(["14", "8"]);
  });

  it("reads each ancestor as a process (14 runs cmd.exe)", () => {
    const graph = graphOf(MDATP_ENTITIES);
    const [parent] = processAncestors(graph, readProcess(graph, byId(graph, "15")));
    expect(parent?.imageName).toBe("cmd.exe");
  });

  it("is empty for a process without a parent", () => {
    expect(ancestorIds(MDATP_ENTITIES, "8")).toEqual([]);
  });

  it("stops at a process that is its own parent", () => {
    expect(ancestorIds('[{"$id":"2","Type":"process","ParentProcess":{"$ref":"2"}}]', "2")).toEqual([]);
  });

  it("stops when a two-process cycle comes back", () => {
    const cycle = [
      { $id: "2", Type: "process", ParentProcess: { $ref: "3" } },
      { $id: "3", Type: "process", ParentProcess: { $ref: "2" } },
    ];
    expect(ancestorIds(cycle, "2")).toEqual(["3"]);
  });

  it("stops at a cycle further up the chain", () => {
    const chain = [
      { $id: "2", Type: "process", ParentProcess: { $ref: "3" } },
      { $id: "3", Type: "process", ParentProcess: { $ref: "4" } },
      { $id: "4", Type: "process", ParentProcess: { $ref: "3" } },
    ];
    expect(ancestorIds(chain, "2")).toEqual(["3", "4"]);
  });

  it("stops at a dangling parent", () => {
    const chain = [
      { $id: "2", Type: "process", ParentProcess: { $ref: "3" } },
      { $id: "3", Type: "process", ParentProcess: { $ref: "99" } },
    ];
    expect(ancestorIds(chain, "2")).toEqual(["3"]);
  });
});
