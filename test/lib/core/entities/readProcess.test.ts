import { describe, expect, it } from "vitest";

import { processAncestors, readProcess } from "../../../../lib/core/entities/readProcess.js";
import { ASC_ENTITIES, byId, graphOf, MDATP_ENTITIES } from "./sampleAlerts.js";

describe("readProcess", () => {
  const mdatp = graphOf(MDATP_ENTITIES);

  it("reads the image through a $ref to the file Defender inlined in another process (process 14 → cmd.exe)", () => {
    const process = readProcess(mdatp, byId(mdatp, "14"));
    expect(process).toMatchObject({
      processId: "7532",
      commandLine: '"cmd.exe" ',
      imageName: "cmd.exe",
      imageDirectory: "C:\\Windows\\System32",
      creationTimeUtc: Date.UTC(2023, 3, 18, 16, 8, 14, 173),
    });
    expect(process.parent).toBe(byId(mdatp, "8"));
  });

  it("reads an inlined image and an inlined parent (process 3)", () => {
    const process = readProcess(mdatp, byId(mdatp, "3"));
    expect(process.imageName).toBe("cmd.exe");
    expect(process.parent).toMatchObject({ $id: "8", ProcessId: "2056" });
  });

  it("leaves image, command line and parent empty where the entity has none (process 8)", () => {
    const process = readProcess(mdatp, byId(mdatp, "8"));
    expect(process).toMatchObject({ processId: "2056", commandLine: "", imageName: "", imageDirectory: "" });
    expect(process.parent).toBeUndefined();
    expect(process.creationTimeUtc).toBe(Date.UTC(2023, 3, 18, 13, 8, 41, 495));
  });

  it("follows Host where the provider links it (Azure Security Center)", () => {
    const asc = graphOf(ASC_ENTITIES);
    const process = readProcess(asc, byId(asc, "6"));
    expect(process.host).toBe(byId(asc, "2"));
    expect(process.imageName).toBe("sample.exe");
    expect(process.processId).toBe("0x1640");
  });

  it("falls back to CreatedTimeUtc and leaves an unreadable time undefined", () => {
    const graph = graphOf([
      { $id: "2", Type: "process", CreatedTimeUtc: "2023-04-18T13:08:41.4953968Z" },
      { $id: "3", Type: "process", CreationTimeUtc: "soon" },
    ]);
    expect(readProcess(graph, byId(graph, "2")).creationTimeUtc).toBe(Date.UTC(2023, 3, 18, 13, 8, 41, 495));
    expect(readProcess(graph, byId(graph, "3")).creationTimeUtc).toBeUndefined();
  });

  it("writes a numeric ProcessId as text", () => {
    const graph = graphOf([{ $id: "2", Type: "process", ProcessId: 7548 }]);
    expect(readProcess(graph, byId(graph, "2")).processId).toBe("7548");
  });

  it("gives no image for a dangling ImageFile", () => {
    const graph = graphOf([{ $id: "2", Type: "process", ImageFile: { $ref: "9" } }]);
    expect(readProcess(graph, byId(graph, "2")).imageName).toBe("");
  });
});

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
