import { describe, expect, it } from "vitest";

import {
  type EntityNode,
  serializeFlat,
  serializeNested,
} from "../../../tools/generate/serializeEntities.js";

const node = (props: EntityNode["props"]): EntityNode => ({ props });

describe("serializeNested (Defender for Endpoint layout)", () => {
  it("inlines an entity at first use, stubs it after, and numbers $ids from 2", () => {
    const image = node({ Name: "cmd.exe", Type: "file" });
    const parent = node({ ProcessId: "1", Type: "process" });
    const first = node({ ProcessId: "2", ImageFile: image, ParentProcess: parent, Type: "process" });
    const second = node({ ProcessId: "3", ImageFile: image, ParentProcess: first, Type: "process" });
    expect(serializeNested([first, second])).toEqual([
      {
        $id: "2",
        ProcessId: "2",
        ImageFile: { $id: "3", Name: "cmd.exe", Type: "file" },
        ParentProcess: { $id: "4", ProcessId: "1", Type: "process" },
        Type: "process",
      },
      { $ref: "3" },
      { $ref: "4" },
      { $id: "5", ProcessId: "3", ImageFile: { $ref: "3" }, ParentProcess: { $ref: "2" }, Type: "process" },
    ]);
  });

  it("stubs a root that was already written nested", () => {
    const image = node({ Name: "w3wp.exe", Type: "file" });
    const process = node({ ImageFile: image, Type: "process" });
    expect(serializeNested([process, image])).toEqual([
      { $id: "2", ImageFile: { $id: "3", Name: "w3wp.exe", Type: "file" }, Type: "process" },
      { $ref: "3" },
      { $ref: "3" },
    ]);
  });
});

describe("serializeFlat (legacy and Azure Security Center layout)", () => {
  it("writes every entity at the top level and refers with $ref", () => {
    const file = node({ Name: "cmd.exe", Type: "file" });
    const process = node({ CommandLine: "cmd.exe /c whoami", ImageFile: file, Type: "process" });
    expect(serializeFlat([file, process])).toEqual([
      { $id: "2", Name: "cmd.exe", Type: "file" },
      { $id: "3", CommandLine: "cmd.exe /c whoami", ImageFile: { $ref: "2" }, Type: "process" },
    ]);
  });

  it("refuses a reference to an entity missing from the list", () => {
    const process = node({ ImageFile: node({ Name: "x", Type: "file" }), Type: "process" });
    expect(() => serializeFlat([process])).toThrow(/missing from the list/);
  });
});
