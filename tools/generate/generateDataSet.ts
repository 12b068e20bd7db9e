import { writeFileSync } from "node:fs";
import { join } from "node:path";

import { formatTimestamp } from "../../lib/core/model/parseTimestamp.js";
import { buildAlertRow } from "./buildAlertRow.js";
import { buildTopology } from "./buildTopology.js";
import {
  BENIGN_CHILDREN,
  computeFindings,
  DISTINCT_IP_THRESHOLD,
  MATCH_SLACK_MS,
  MAX_LINKED_GENERATIONS,
} from "./computeFindings.js";
import { type GenerateOptions, PROFILE_OPTIONS } from "./GenerateOptions.js";
import { IpAllocator } from "./IpAllocator.js";
import { SCRIPT_EXTENSIONS } from "./pageCatalog.js";
import { planScenarios } from "./planScenarios.js";
import { prepareOutputDir } from "./prepareOutputDir.js";
import { Random } from "./Random.js";
import { renderReadme } from "./renderReadme.js";
import { verifyPlan } from "./verifyPlan.js";
import { DEVICE_PROCESS_EVENTS_FILE, writeDeviceProcessEvents } from "./writeDeviceProcessEvents.js";
import { writeIisLogs } from "./writeIisLogs.js";

/** What one generation wrote. */
export interface GenerateResult {
  /** Files written, relative to the output folder. */
  files: string[];
  iisLines: number;
  alerts: number;
  /** DeviceProcessEvents rows. */
  processEvents: number;
  findings: number;
  decoys: number;
}

/**
 * Writes a complete data set to `outDir`: `alerts.json`, `DeviceProcessEvents.csv`, `iis/<HOST>/u_exYYMMDD.log`,
 * `truth.json` and `README.md`. A pure function of `options`: no clock, no `Math.random`.
 *
 * @example generateDataSet("data/sample", DEFAULT_GENERATE_OPTIONS)
 */
export function generateDataSet(outDir: string, options: GenerateOptions): GenerateResult {
  prepareOutputDir(outDir);
  const random = new Random(options.seed);
  const ips = new IpAllocator(random.fork("addresses"));
  const topology = buildTopology(random.fork("topology"), ips, options);
  const plan = planScenarios(random, topology, ips, options);
  const popular = new Set(
    topology.iisHosts.flatMap((h) => h.sites.flatMap((s) => s.pages.scriptPages.map((p) => p.toLowerCase()))),
  );
  const truth = computeFindings(plan, popular);
  const { findings } = truth;
  verifyPlan(plan, findings);

  const logs = writeIisLogs(outDir, random, topology, plan, options);
  const alerts = [...plan.alerts]
    .sort((a, b) => a.timeGenerated - b.timeGenerated || (a.systemAlertId < b.systemAlertId ? -1 : 1))
    .map((alert) => buildAlertRow(alert, topology.tenantId, options.entityIdsFrom ?? 2));
  writeJson(join(outDir, "alerts.json"), alerts);
  const processEvents = writeDeviceProcessEvents(outDir, random, topology, plan.deviceProcesses, options);
  const optionsOut = {
    seed: options.seed,
    lines: options.lines,
    start: formatTimestamp(options.start),
    days: options.days,
    // The profile's options only when set: the bundled sample's truth stays as it was.
    ...Object.fromEntries(
      PROFILE_OPTIONS.flatMap(([name]) => (options[name] === undefined ? [] : [[name, options[name]]])),
    ),
  };
  writeJson(join(outDir, "truth.json"), {
    seed: options.seed,
    options: optionsOut,
    rule: {
      slackSeconds: MATCH_SLACK_MS / 1000,
      distinctIpThreshold: DISTINCT_IP_THRESHOLD,
      baselineDays: 7,
      scriptExtensions: SCRIPT_EXTENSIONS,
      grain:
        "one finding per (process: host, ProcessId, creation time; page compared case-insensitively; AttackerIP), " +
        "whichever of SecurityAlert and DeviceProcessEvents saw the process; SystemAlertId is the earliest alert " +
        "that named it, empty when none did",
      shellLocation:
        "the cs-uri-stem of the matching requests, in lower case (HostName: the short name, lower case)",
      deviceProcessEvents:
        "process creations whose initiating process or its parent is w3wp.exe, and their descendants linked " +
        `through InitiatingProcessId + InitiatingProcessCreationTime, at most ${MAX_LINKED_GENERATIONS} links deep`,
      benignChildren: BENIGN_CHILDREN,
    },
    findings,
    benignExcluded: truth.benignExcluded,
    decoys: plan.decoys,
  });
  writeFileSync(
    join(outDir, "README.md"),
    renderReadme(options, topology, plan, truth, { iisLines: logs.lines, processEvents }),
  );
  return {
    files: ["alerts.json", DEVICE_PROCESS_EVENTS_FILE, ...logs.files, "truth.json", "README.md"],
    iisLines: logs.lines,
    alerts: alerts.length,
    processEvents,
    findings: findings.length,
    decoys: plan.decoys.length,
  };
}

function writeJson(path: string, value: unknown): void {
  writeFileSync(path, JSON.stringify(value, null, 2) + "\n");
}
