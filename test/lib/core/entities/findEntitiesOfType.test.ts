import { describe, expect, it } from "vitest";

import { findEntitiesOfType, findFilesNamed } from "../../../../lib/core/entities/findEntitiesOfType.js";
import { isEntityType } from "../../../../lib/core/entities/readEntityField.js";
import { graphOf, MDATP_ENTITIES } from "./sampleAlerts.js";

describe("findFilesNamed", () => {
  const graph = graphOf(MDATP_ENTITIES);

  it("finds a file Defender nested as a process's ImageFile, ignoring case", () => {
    expect(findFilesNamed(graph, ["CMD.EXE"]).map((file) => file.$id)).toEqual(["4"]);
  });

  it("finds any of several names, each file once", () => {
    expect(findFilesNamed(graph, ["powershell.exe", "cmd.exe", "w3wp.exe"]).map((file) => file.$id)).toEqual([
      "4",
      "10",
    ]);
  });

  it("finds nothing for a name the alert does not carry", () => {
    expect(findFilesNamed(graph, ["w3wp.exe"])).toEqual([]);
  });

  it("matches the Type of the file entity ignoring case", () => {
    const mixed = graphOf([
      { $id: "2", Type: "File", Name: "w3wp.exe" },
      { $id: "3", Type: "process", Name: "w3wp.exe" },
    ]);
    expect(findFilesNamed(mixed, ["w3wp.exe"]).map((file) => file.$id)).toEqual(["2"]);
  });
});

describe("findEntitiesOfType", () => {
  it("finds nested processes and hashes of the MDATP alert", () => {
    const graph = graphOf(MDATP_ENTITIES);
    expect(findEntitiesOfType(graph, "process").map((entity) => entity.$id)).toEqual([
      "3",
      "8",
      "9",
      "14",
      "15",
    ]);
    expect(findEntitiesOfType(graph, "FileHash")).toHaveLength(6);
  });
});

describe("isEntityType", () => {
  it.each([
    [{ Type: "process" }, "process", true],
    [{ Type: "Process" }, "process", true],
    [{ Type: "process" }, "PROCESS", true],
    [{ Type: "processes" }, "process", false],
    [{ type: "process" }, "process", false],
    [{ Type: 1 }, "process", false],
    [null, "process", false],
    [["process"], "process", false],
  ])("%j is %s: %s", (value, type, expected) => {
    expect(isEntityType(value, type)).toBe(expected);
  });
});
