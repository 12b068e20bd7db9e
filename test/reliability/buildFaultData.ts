import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { Diagnostics } from "../../lib/core/Diagnostics.js";
import { DEFAULT_ENGINE_OPTIONS } from "../../lib/core/model/EngineOptions.js";
import { runOffline } from "../../lib/job/runOffline.js";
import type { SecurityAlertRow } from "../../tools/doubles/fakeWorkspace.js";
import { loadCliFixtureWorkspace, type WorkspaceData } from "../functions/azureHarness.js";
import { ids } from "../functions/expectedRecords.js";

/** A data set for the fault cases and the record ids the command line finds in it (the expected ids). */
export interface FaultData {
  data: WorkspaceData;
  expected: string[];
}

/** What to add to the CLI fixtures (`test/fixtures/cli`): copies of its web01 alert, each its own finding. */
export interface ExtraAlerts {
  /** How many copies of the web01 alert to add (each with its own SystemAlertId). */
  copies: number;
  /** The command line of copy `i`'s cmd.exe process. */
  commandLine: (i: number) => string;
  /** Other entity fields of copy `i` to overwrite (process 8: `ProcessId`; host: `DnsDomain`; …). */
  hostile?: (i: number) => HostileFields;
}

/** Alert texts a copy gets instead of the template's (an attacker or a broken export controls them). */
export interface HostileFields {
  alertName?: string;
  /** cmd.exe's ProcessId. */
  processId?: string;
  /** cmd.exe's image name. */
  imageName?: string;
  /** The host's DnsDomain. */
  dnsDomain?: string;
  /** The image of a process put between w3wp.exe and cmd.exe (so it becomes ParentProcessName). */
  parentImage?: string;
}

/**
 * The CLI fixtures as a workspace holds them, plus `extra.copies` copies of the web01 alert whose cmd.exe command
 * line (and, for hostile copies, other attacker- or alert-controlled fields) the test chooses. Each copy names
 * processes of its own (other process ids): alerts that name one process make one record (docs/design.md §4.12).
 * The expected record ids are what the command line finds on the same alerts and the fixture's IIS logs: record
 * ids depend on the process, host, page and attacker address only (§4.9), not on the texts a test makes large.
 */
export async function buildFaultData(extra?: ExtraAlerts): Promise<FaultData> {
  const base = await loadCliFixtureWorkspace();
  const template = base.alerts.find((alert) => alert.SystemAlertId.startsWith("0e7c4a1b"));
  if (template === undefined) throw new Error("expected the web01 alert in test/fixtures/cli/alerts.jsonl");
  const copies = Array.from({ length: extra?.copies ?? 0 }, (_, i) => copyAlert(template, i, extra!));
  const alerts = [...base.alerts, ...copies];
  return { data: { alerts, iis: base.iis }, expected: await expectedIds(alerts) };
}

function copyAlert(template: SecurityAlertRow, i: number, extra: ExtraAlerts): SecurityAlertRow {
  const entities = JSON.parse(template.Entities ?? "[]") as Record<string, unknown>[];
  const hostile = extra.hostile?.(i) ?? {};
  if (hostile.parentImage !== undefined) {
    entities.push({
      $id: "99",
      ProcessId: "6001",
      CreationTimeUtc: "2026-11-20T10:15:29.0000000Z",
      ImageFile: { $id: "98", Name: hostile.parentImage, Type: "file" },
      ParentProcess: { $ref: "2" },
      Type: "process",
    });
  }
  for (const entity of entities) {
    if (entity.$id === "11") entity.ProcessId = String(20_001 + 2 * i);
    if (entity.$id === "8") {
      if (hostile.parentImage !== undefined) entity.ParentProcess = { $ref: "99" };
      entity.CommandLine = extra.commandLine(i);
      entity.ProcessId = hostile.processId ?? String(20_000 + 2 * i);
      if (hostile.imageName !== undefined)
        (entity.ImageFile as Record<string, unknown>).Name = hostile.imageName;
    }
    if (entity.Type === "host" && hostile.dnsDomain !== undefined) entity.DnsDomain = hostile.dnsDomain;
  }
  const suffix = (i + 1).toString(16).padStart(12, "0");
  return {
    ...template,
    SystemAlertId: `c0ffee00-0000-4000-8000-${suffix}`,
    ...(hostile.alertName === undefined ? {} : { AlertName: hostile.alertName }),
    Entities: JSON.stringify(entities),
  };
}

/** The record ids the command line finds on these alerts and the CLI fixture's IIS logs. */
async function expectedIds(alerts: readonly SecurityAlertRow[]): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), "reliability-"));
  try {
    const file = join(dir, "alerts.jsonl");
    await writeFile(file, alerts.map((alert) => JSON.stringify(alert)).join("\n") + "\n");
    const { records } = await runOffline(
      { alerts: [file], iis: [{ path: "test/fixtures/cli/iis" }], range: undefined },
      DEFAULT_ENGINE_OPTIONS,
      new Diagnostics(),
      () => 0,
    );
    return ids([...records].map((record) => ({ RecordId: record.RecordId })));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
