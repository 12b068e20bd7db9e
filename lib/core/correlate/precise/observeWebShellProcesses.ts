import type { EntityGraph } from "../../entities/EntityGraph.js";
import { findEntitiesOfType, findFilesNamed } from "../../entities/findEntitiesOfType.js";
import { type HostEntity, readHost, shortHostName } from "../../entities/readHost.js";
import { processAncestors, type ProcessEntity, readProcess } from "../../entities/readProcess.js";
import type { AlertRow } from "../../model/AlertRow.js";
import type { EngineOptions } from "../../model/EngineOptions.js";
import {
  type ObservedHost,
  processIdentity,
  type ProcessObservation,
} from "../../model/ProcessObservation.js";

/** What an alert yielded: its web-shell processes, or why none could be taken. */
export type AlertObservations =
  { ok: true; observations: ProcessObservation[] } | { ok: false; reason: string };

/**
 * The web-shell commands of one Defender alert (docs/design.md §4.2–4.5), read from its whole entity graph with `$ref`s
 * resolved inside the alert (fixing B2 and B3):
 * - where the alert links processes to parents with known images, a command is a process with a command line,
 *   not itself a worker, whose ancestor chain reaches a worker image (`w3wp.exe`);
 * - where it has no such links, the original rule: an alert carrying a worker file entity marks all its non-worker
 *   processes with a command line.
 */
export function observeWebShellProcesses(
  alert: AlertRow,
  graph: EntityGraph,
  options: Pick<EngineOptions, "workerImages">,
): AlertObservations {
  const workers = new Set(options.workerImages.map((image) => image.toLowerCase()));
  const isWorker = (process: ProcessEntity) => workers.has(process.imageName.toLowerCase());
  const processes = findEntitiesOfType(graph, "process").map((entity) => readProcess(graph, entity));
  const hasParentLinks = processes.some(
    (process) => process.parent !== undefined && readProcess(graph, process.parent).imageName !== "",
  );
  const carriesWorkerFile = findFilesNamed(graph, options.workerImages).length > 0;

  const commands: { process: ProcessEntity; signal: ProcessObservation["signal"] }[] = [];
  for (const process of processes) {
    if (process.commandLine.trim() === "" || isWorker(process)) continue;
    if (hasParentLinks) {
      if (processAncestors(graph, process).some(isWorker)) commands.push({ process, signal: "parent-chain" });
    } else if (carriesWorkerFile) {
      commands.push({ process, signal: "worker-file" });
    }
  }
  if (commands.length === 0) return { ok: true, observations: [] };

  const alertHosts = findEntitiesOfType(graph, "host").map((entity) => readHost(graph, entity));
  const observations: ProcessObservation[] = [];
  for (const { process, signal } of commands) {
    const linked = process.host === undefined ? undefined : readHost(graph, process.host);
    const host = toObservedHost(linked ?? alertHosts[0], alert.CompromisedEntity);
    if (host === undefined) {
      return {
        ok: false,
        reason: "no host entity and no CompromisedEntity: the commands cannot be placed on a server",
      };
    }
    const anchor = process.creationTimeUtc ?? alert.StartTime ?? alert.TimeGenerated;
    if (anchor === undefined)
      return { ok: false, reason: "no process CreationTimeUtc, StartTime or TimeGenerated" };
    const parent = process.parent === undefined ? undefined : readProcess(graph, process.parent);
    const creationTime = process.creationTimeUtc ?? null;
    observations.push({
      identity: processIdentity(host, process.processId, creationTime, alert.SystemAlertId),
      sources: ["SecurityAlert"],
      alert: {
        systemAlertId: alert.SystemAlertId,
        alertName: alert.AlertName,
        alertTime: alert.TimeGenerated ?? null,
      },
      host,
      processId: process.processId,
      processName: process.imageName,
      commandLine: process.commandLine,
      creationTime,
      parentProcessName: parent?.imageName ?? "",
      anchor,
      signal,
    });
  }
  return { ok: true, observations };
}

function toObservedHost(host: HostEntity | undefined, compromisedEntity: string): ObservedHost | undefined {
  if (host !== undefined) {
    const shortName = shortHostName(host);
    if (shortName !== "" || host.addresses.length > 0) {
      return {
        hostName: host.hostName || host.fqdn,
        dnsDomain: host.dnsDomain,
        shortName,
        addresses: host.addresses,
      };
    }
  }
  // Defender names the device in CompromisedEntity; enough to match IIS rows by name.
  const fallback = shortHostName({ hostName: compromisedEntity, fqdn: "", netBiosName: "" });
  return fallback === ""
    ? undefined
    : { hostName: compromisedEntity, dnsDomain: "", shortName: fallback, addresses: [] };
}
