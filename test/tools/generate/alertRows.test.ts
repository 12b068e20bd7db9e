import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { generateDataSet } from "../../../tools/generate/generateDataSet.js";
import { DEFAULT_GENERATE_OPTIONS } from "../../../tools/generate/GenerateOptions.js";
import { readAlerts, readTruth } from "./readDataSet.js";

/** Columns of the real SecurityAlert rows (the stix-shifter sample, without its `rn` query artefact). */
const COLUMNS = [
  "TenantId",
  "TimeGenerated",
  "DisplayName",
  "AlertName",
  "AlertSeverity",
  "Description",
  "ProviderName",
  "VendorName",
  "VendorOriginalId",
  "SystemAlertId",
  "ResourceId",
  "SourceComputerId",
  "AlertType",
  "ConfidenceLevel",
  "ConfidenceScore",
  "IsIncident",
  "StartTime",
  "EndTime",
  "ProcessingEndTime",
  "RemediationSteps",
  "ExtendedProperties",
  "Entities",
  "SourceSystem",
  "WorkspaceSubscriptionId",
  "WorkspaceResourceGroup",
  "ExtendedLinks",
  "ProductName",
  "ProductComponentName",
  "AlertLink",
  "Status",
  "CompromisedEntity",
  "Tactics",
  "Techniques",
  "Type",
];
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/;

let dir: string;
let alerts: Record<string, unknown>[];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "generate-alerts-"));
  generateDataSet(dir, { ...DEFAULT_GENERATE_OPTIONS, lines: 2000 });
  alerts = readAlerts(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Entity = Record<string, unknown>;
function walk(value: unknown, visit: (entity: Entity, depth: number) => void, depth = 0): void {
  if (Array.isArray(value)) value.forEach((v) => walk(v, visit, depth));
  else if (typeof value === "object" && value !== null) {
    visit(value as Entity, depth);
    Object.values(value).forEach((v) => walk(v, visit, depth + 1));
  }
}

describe("generated SecurityAlert rows", () => {
  it("have the real table's columns, ISO 8601 UTC times and Entities as a string", () => {
    expect(alerts.length).toBeGreaterThanOrEqual(15);
    for (const row of alerts) {
      expect(Object.keys(row)).toEqual(COLUMNS);
      for (const column of ["TimeGenerated", "StartTime", "EndTime", "ProcessingEndTime"]) {
        expect(row[column], column).toMatch(ISO_UTC);
      }
      expect(typeof row.Entities).toBe("string");
    }
  });

  it("number $ids from 2 in every alert and resolve every $ref inside the same alert", () => {
    const parsed = alerts.filter((a) => isJson(String(a.Entities)));
    expect(alerts.length - parsed.length).toBe(1);
    for (const row of parsed) {
      const ids: string[] = [];
      const refs: string[] = [];
      walk(JSON.parse(String(row.Entities)), (e) => {
        if (typeof e.$id === "string") ids.push(e.$id);
        if (typeof e.$ref === "string") refs.push(e.$ref);
      });
      expect(ids[0]).toBe("2");
      expect(new Set(ids).size).toBe(ids.length);
      for (const ref of refs) expect(ids).toContain(ref);
    }
  });

  it("inline nested entities at first use with $ref stubs at the top level (Defender shape)", () => {
    const defender = alerts.filter((a) => a.ProviderName === "MDATP" && isJson(String(a.Entities)));
    const nested = defender.filter((a) => {
      const top = JSON.parse(String(a.Entities)) as Entity[];
      const stubs = top.filter((e) => Object.keys(e).length === 1 && typeof e.$ref === "string");
      let deepIds = 0;
      walk(top, (e, depth) => (deepIds += depth > 1 && typeof e.$id === "string" ? 1 : 0));
      return stubs.length > 0 && deepIds > 0;
    });
    expect(nested.length).toBeGreaterThan(5);
    const classic = readTruth(dir).findings.find((f) => f.scenario === "classic-upload-shell");
    const row = nested.find((a) => a.SystemAlertId === classic?.SystemAlertId);
    const sample = JSON.parse(String(row?.Entities)) as Entity[];
    const process = sample.find((e) => e.Type === "process" && typeof e.ParentProcess === "object") as Entity;
    const parent = process.ParentProcess as Entity;
    expect((parent.ImageFile as Entity).Name).toBe("w3wp.exe");
    expect(String(parent.CommandLine)).toMatch(/^c:\\windows\\system32\\inetsrv\\w3wp\.exe -ap "/);
    expect(sample.at(-1)).toMatchObject({ Type: "host", DnsDomain: "contoso.local" });
    expect(sample.at(-1)?.FQDN).toMatch(/^web0\d\.contoso\.local$/);
  });

  it("include two legacy-shaped alerts with the same $id numbering, readable by the original query", () => {
    const truth = readTruth(dir);
    const legacyIds = new Set(
      truth.findings.filter((f) => f.scenario === "legacy-entities").map((f) => f.SystemAlertId),
    );
    const legacy = alerts.filter((a) => legacyIds.has(String(a.SystemAlertId)));
    expect(legacy).toHaveLength(2);
    const shapes = legacy.map((a) =>
      (JSON.parse(String(a.Entities)) as Entity[]).map((e) => [e.$id, e.Type, e.Name ?? ""]),
    );
    expect(shapes[0]).toEqual(shapes[1]);
    const [first] = legacy.map((a) => JSON.parse(String(a.Entities)) as Entity[]);
    const cmdFile = first?.find((e) => e.Type === "file" && e.Name === "cmd.exe");
    const process = first?.find((e) => e.Type === "process");
    expect(process?.ImageFile).toEqual({ $ref: cmdFile?.$id });
    expect(first?.some((e) => e.Type === "file" && e.Name === "w3wp.exe")).toBe(true);
    expect(new Set(legacy.map((a) => a.CompromisedEntity))).toEqual(new Set(["WEB01", "WEB02"]));
  });
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
