import type { Diagnostics } from "../../Diagnostics.js";
import { parseEntityGraph } from "../../entities/parseEntityGraph.js";
import { bin, equalsIgnoreCase, getProperty, toKustoString } from "../../kusto.js";
import type { AlertRow } from "../../model/AlertRow.js";
import { type EngineOptions, inRange, type TimeRange } from "../../model/EngineOptions.js";
import { COMPAT_LOOKUP_BIN_MS, type CompatFile, type CompatJoin } from "./CompatCommand.js";

interface ShellRow {
  alert: AlertRow;
  time: number;
  elements: readonly unknown[];
}

/**
 * The original query up to `commandKeyedData`, defects included: only top-level entities are read (B3), files and
 * processes are joined on `$id` across all alerts (B2), and the file side's alert gives the time and host. The
 * join is returned factored (see {@link CompatJoin}); when it pairs files with other alerts' processes, a note
 * says how many, since that is where compat's output multiplies. Alerts whose `Entities` cannot be read are
 * reported and left out, as `mv-expand` would find nothing in them.
 */
export function extractCompatCommands(
  alerts: readonly AlertRow[],
  options: Pick<EngineOptions, "alertProviders" | "workerImages">,
  range: TimeRange | undefined,
  diagnostics: Diagnostics,
): { join: CompatJoin; shellAlerts: number } {
  const rows = readShellCandidates(alerts, range, diagnostics);
  const type = (element: unknown) => toKustoString(getProperty(element, "Type"));
  const name = (element: unknown) => getProperty(element, "Name");

  // shellAlerts: MDATP alerts with a top-level file entity named like the worker (=~), then *every* row of
  // those SystemAlertIds (the `join kind=inner (alerts)`), whatever their provider.
  const shellIds = new Set<string>();
  for (const row of rows) {
    if (!options.alertProviders.some((provider) => equalsIgnoreCase(row.alert.ProviderName, provider)))
      continue;
    const carriesWorker = row.elements.some(
      (element) =>
        equalsIgnoreCase(type(element), "file") &&
        options.workerImages.some((worker) => equalsIgnoreCase(toKustoString(name(element)), worker)),
    );
    if (carriesWorker) shellIds.add(row.alert.SystemAlertId);
  }
  const shellRows = rows.filter((row) => shellIds.has(row.alert.SystemAlertId));

  // commanddata: processes with a command line; only an ImageFile that is a `$ref` stub gives a join key.
  const commandLines = new Map<string, Set<string>>();
  const alertsByRef = new Map<string, Set<string>>();
  for (const row of shellRows) {
    for (const element of row.elements) {
      if (!equalsIgnoreCase(type(element), "process")) continue;
      const commandLine = toKustoString(getProperty(element, "CommandLine"));
      if (commandLine === "") continue;
      const ref = toKustoString(getProperty(getProperty(element, "ImageFile"), "$ref"));
      // Identical join rows collapse in the query's final summarize: each command line once per key.
      commandLines.set(ref, (commandLines.get(ref) ?? new Set()).add(commandLine));
      alertsByRef.set(ref, (alertsByRef.get(ref) ?? new Set()).add(row.alert.SystemAlertId));
    }
  }
  const hostsByAlert = collectHosts(shellRows, type);

  // filedata: `ImageName != "w3wp.exe"` is case-sensitive, so "W3WP.EXE" passes; a missing Name is null and drops.
  const files = new Map<string, { timeKey: number; hostName: string; imageName: string; ids: string[] }>();
  let crossAlertFiles = 0;
  for (const row of shellRows) {
    for (const element of row.elements) {
      if (!equalsIgnoreCase(type(element), "file")) continue;
      const raw = name(element);
      if (raw === undefined || raw === null) continue;
      const imageName = toKustoString(raw);
      if (options.workerImages.includes(imageName)) continue;
      const id = toKustoString(getProperty(element, "$id"));
      const joined = alertsByRef.get(id);
      if (joined === undefined) continue;
      if (joined.size > 1 || !joined.has(row.alert.SystemAlertId)) crossAlertFiles += 1;
      const timeKey = bin(row.time, COMPAT_LOOKUP_BIN_MS);
      for (const hostName of hostsByAlert.get(row.alert.SystemAlertId) ?? []) {
        const key = JSON.stringify([timeKey, hostName, imageName]);
        const file = files.get(key) ?? { timeKey, hostName, imageName, ids: [] };
        if (!file.ids.includes(id)) file.ids.push(id);
        files.set(key, file);
      }
    }
  }
  if (crossAlertFiles > 0) {
    diagnostics.warn(
      `compat: the original query joins file and process entities on $id across alerts (B2); ` +
        `${crossAlertFiles} file entit${crossAlertFiles === 1 ? "y was" : "ies were"} paired with other alerts' ` +
        `commands, so each request group can give several alerts' commands (--mode precise reads each alert alone)`,
    );
  }
  const join: CompatJoin = {
    files: [...files.values()] satisfies CompatFile[],
    commandLines: new Map([...commandLines].map(([ref, lines]) => [ref, [...lines]])),
  };
  return { join, shellAlerts: shellIds.size };
}

function readShellCandidates(
  alerts: readonly AlertRow[],
  range: TimeRange | undefined,
  diagnostics: Diagnostics,
) {
  const rows: ShellRow[] = [];
  for (const alert of alerts) {
    const time = alert.TimeGenerated;
    if (time === undefined || !inRange(time, range)) continue;
    const graph = parseEntityGraph(alert.Entities);
    if (!graph.ok) {
      diagnostics.skip({ ...alert.origin, alertId: alert.SystemAlertId, reason: graph.reason });
      continue;
    }
    rows.push({ alert, time, elements: graph.topLevel });
  }
  return rows;
}

/**
 * hostdata: `distinct HostName, DnsDomain, SystemAlertId` over top-level host entities. Only `HostName` reaches the
 * query's output and join, so each alert's host names are kept once each.
 */
function collectHosts(shellRows: readonly ShellRow[], type: (element: unknown) => string) {
  const hosts = new Map<string, string[]>();
  for (const row of shellRows) {
    const list = hosts.get(row.alert.SystemAlertId) ?? [];
    for (const element of row.elements) {
      if (!equalsIgnoreCase(type(element), "host")) continue;
      const hostName = toKustoString(getProperty(element, "HostName"));
      if (!list.includes(hostName)) list.push(hostName);
    }
    hosts.set(row.alert.SystemAlertId, list);
  }
  return hosts;
}
