import { readFileSync } from "node:fs";

import { createCorrelator, type ProcessCounts } from "../../lib/core/correlate/createCorrelator.js";
import { Diagnostics } from "../../lib/core/Diagnostics.js";
import type { AlertRow } from "../../lib/core/model/AlertRow.js";
import type { DeviceProcessRow } from "../../lib/core/model/DeviceProcessRow.js";
import {
  DEFAULT_ENGINE_OPTIONS,
  type EngineOptions,
  type TimeRange,
} from "../../lib/core/model/EngineOptions.js";
import { emptyWebRequest, type WebRequest } from "../../lib/core/model/WebRequest.js";
import type { EnrichmentRecord } from "../../lib/core/records/EnrichmentRecord.js";
import { toAlertRow } from "../../lib/readers/alerts/toAlertRow.js";
import { toDeviceProcessRow } from "../../lib/readers/processes/toDeviceProcessRow.js";

/**
 * Builders for correlation timelines: the real-shaped base events under `test/fixtures/timeline/`, varied by spread
 * and placed in time with `at("10:15:31")` on the fixtures' day (2026-11-20, UTC).
 */
const FIXTURES = new URL("../fixtures/timeline/", import.meta.url);
type Json = Record<string, unknown>;
const load = (name: string) => JSON.parse(readFileSync(new URL(name, FIXTURES), "utf8")) as Json;
const MDE_ROW = load("mde-webshell-alert.json");
const LEGACY_ROW = load("legacy-webshell-alert.json");
const IIS_ROW = load("iis-request.json");
const PROCESS_ROW = load("device-process-event.json");

export const DAY = "2026-11-20";
/** Epoch ms of a time of day on the fixtures' day (`"10:15:31"`, `"10:15:31.250"`). */
export const at = (time: string) => Date.parse(`${DAY}T${time}Z`);
export const iso = (time: string) => new Date(at(time)).toISOString();

export interface AlertVariant {
  /** Column overrides of the SecurityAlert row. */
  row?: Json;
  /** Edits of the parsed Entities (they are written back as the JSON string the table stores). */
  entities?: (entities: Json[]) => void;
}

/** The Defender for Endpoint alert (inlined nested entities, `$ref` stubs): w3wp → cmd (10:15:30.5) → powershell. */
export const mdeAlert = (variant: AlertVariant = {}) => buildAlert(MDE_ROW, variant);
/** The top-level-only shape the original query reads: w3wp and cmd file entities, a process, host WEB01. */
export const legacyAlert = (variant: AlertVariant = {}) => buildAlert(LEGACY_ROW, variant);

function buildAlert(base: Json, variant: AlertVariant): AlertRow {
  const entities = JSON.parse(base.Entities as string) as Json[];
  variant.entities?.(entities);
  const row = { ...base, Entities: JSON.stringify(entities), ...variant.row };
  const alert = toAlertRow(row, { source: "timeline", line: 1 });
  if (typeof alert === "string") throw new Error(`bad alert fixture: ${alert}`);
  return alert;
}

/**
 * A DeviceProcessEvents row, by the reader's mapping: the base row (w3wp 4816 → cmd 7340 at 10:15:30.5176023 on
 * web01.contoso.local, the alert fixture's cmd.exe) with columns overridden.
 */
export function deviceProcess(overrides: Json = {}): DeviceProcessRow {
  const row = toDeviceProcessRow({ ...PROCESS_ROW, ...overrides }, { source: "timeline", line: 1 });
  if (row === null || typeof row === "string") throw new Error(`bad process fixture: ${String(row)}`);
  return row;
}

/** Another command the web shell ran: a child of the same w3wp.exe, started at `time`. */
export function command(processId: number, time: string, commandLine: string, overrides: Json = {}) {
  return deviceProcess({
    ProcessId: processId,
    ProcessCreationTime: iso(time),
    TimeGenerated: iso(time),
    ProcessCommandLine: commandLine,
    FileName: commandLine.split(" ")[0],
    ...overrides,
  });
}

/** A process that `parent` started at `time`: its initiating-process columns are the parent's. */
export function childOf(
  parent: DeviceProcessRow,
  child: { FileName: string; ProcessId: number; time: string; ProcessCommandLine?: string },
  overrides: Json = {},
): DeviceProcessRow {
  return deviceProcess({
    FileName: child.FileName,
    ProcessId: child.ProcessId,
    ProcessCommandLine: child.ProcessCommandLine ?? child.FileName,
    ProcessCreationTime: iso(child.time),
    TimeGenerated: iso(child.time),
    InitiatingProcessFileName: parent.FileName,
    InitiatingProcessId: Number(parent.ProcessId),
    InitiatingProcessCreationTime: new Date(parent.ProcessCreationTime).toISOString(),
    InitiatingProcessCommandLine: parent.ProcessCommandLine,
    InitiatingProcessParentFileName: parent.InitiatingProcessFileName,
    ...overrides,
  });
}

/** The entity carrying `$id` = id, wherever Defender inlined it. */
export function entity(entities: unknown, id: string): Json {
  const found = findById(entities, id);
  if (found === undefined) throw new Error(`no entity with $id ${id}`);
  return found;
}

function findById(value: unknown, id: string): Json | undefined {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findById(item, id);
      if (found !== undefined) return found;
    }
  } else if (typeof value === "object" && value !== null) {
    const object = value as Json;
    if (object.$id === id) return object;
    for (const child of Object.values(object)) {
      const found = findById(child, id);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** A W3CIISLog row (the base POST to /uploads/help.aspx from 203.0.113.77) at a time of day, varied by spread. */
export function request(time: string, overrides: Partial<WebRequest> = {}): WebRequest {
  const base = IIS_ROW;
  const text = (name: string) => {
    const value = base[name];
    return typeof value !== "string" || value === "-" ? "" : value;
  };
  return {
    ...emptyWebRequest,
    sSiteName: text("sSiteName"),
    sComputerName: text("sComputerName"),
    Computer: text("Computer"),
    sIP: text("sIP"),
    sPort: base.sPort as number,
    csMethod: text("csMethod"),
    csUriStem: text("csUriStem"),
    cIP: text("cIP"),
    csUserAgent: text("csUserAgent"),
    csHost: text("csHost"),
    scStatus: text("scStatus"),
    scSubStatus: text("scSubStatus"),
    scWin32Status: text("scWin32Status"),
    scBytes: base.scBytes as number,
    csBytes: base.csBytes as number,
    TimeTaken: base.TimeTaken as number,
    ...overrides,
    TimeGenerated: at(time),
  };
}

/** `count` requests from distinct benign clients to a page, to push it over (or keep it under) the threshold. */
export function visitors(page: string, count: number, time: string, overrides: Partial<WebRequest> = {}) {
  return Array.from({ length: count }, (_, i) =>
    request(time, { csUriStem: page, cIP: `198.51.100.${i + 1}`, csMethod: "GET", ...overrides }),
  );
}

export interface TimelineResult {
  records: EnrichmentRecord[];
  diagnostics: Diagnostics;
  processes: ProcessCounts;
}

/**
 * Runs one mode over a timeline, offline style: every request is observed (baseline and matching). `alerts` are the
 * SecurityAlert rows, or the rows of both process sources.
 */
export function correlate(
  mode: EngineOptions["mode"],
  sources: readonly AlertRow[] | ProcessSources,
  requests: readonly WebRequest[],
  options: Partial<EngineOptions> = {},
  range?: TimeRange,
): TimelineResult {
  const diagnostics = new Diagnostics();
  const { alerts = [], processes = [] } = "length" in sources ? { alerts: sources } : sources;
  const prepared = createCorrelator(
    alerts,
    { ...DEFAULT_ENGINE_OPTIONS, ...options, mode },
    range,
    diagnostics,
    processes,
  );
  for (const r of requests) prepared.correlator.observe(r);
  return { records: prepared.correlator.finish(at("23:59:59")), diagnostics, processes: prepared.processes };
}

/** What a timeline's processes come from. */
export interface ProcessSources {
  alerts?: readonly AlertRow[];
  processes?: readonly DeviceProcessRow[];
}

/** The parts of a record a timeline asserts on, so expectations stay short and readable. */
export function summarize(record: EnrichmentRecord) {
  return {
    host: record.HostName,
    shell: record.ShellLocation,
    ip: record.AttackerIP,
    process: record.ProcessName,
    command: record.ProcessCommandLine,
  };
}
