import type { Diagnostics } from "../../Diagnostics.js";
import { parseEntityGraph } from "../../entities/parseEntityGraph.js";
import { bin, equalsIgnoreCase, getProperty, toKustoString } from "../../kusto.js";
import type { AlertRow } from "../../model/AlertRow.js";
import { type EngineOptions, inRange, type TimeRange } from "../../model/EngineOptions.js";
import { COMPAT_LOOKUP_BIN_MS, type CompatCommand } from "./CompatCommand.js";

interface ShellRow {
  alert: AlertRow;
  time: number;
  elements: readonly unknown[];
}

/**
 * The original query up to `commandKeyedData`, defects included: only top-level entities are read (B3), files and
 * processes are joined on `$id` across all alerts (B2), and the file side's alert gives the time and host.
 * Alerts whose `Entities` cannot be read are reported and left out, as `mv-expand` would find nothing in them.
 */
export function extractCompatCommands(
  alerts: readonly AlertRow[],
  options: Pick<EngineOptions, "alertProviders" | "workerImages">,
  range: TimeRange | undefined,
  diagnostics: Diagnostics,
): { commands: CompatCommand[]; shellAlerts: number } {
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

  // filedata: `ImageName != "w3wp.exe"` is case-sensitive, so "W3WP.EXE" passes; a missing Name is null and drops.
  const files = shellRows.flatMap((row) =>
    row.elements
      .filter((element) => equalsIgnoreCase(type(element), "file"))
      .filter((element) => name(element) !== undefined && name(element) !== null)
      .filter((element) => !options.workerImages.includes(toKustoString(name(element))))
      .map((element) => ({
        row,
        id: toKustoString(getProperty(element, "$id")),
        imageName: toKustoString(name(element)),
      })),
  );
  // commanddata: processes with a command line; only an ImageFile that is a `$ref` stub gives a join key.
  const commandsByRef = new Map<string, string[]>();
  for (const row of shellRows) {
    for (const element of row.elements) {
      if (!equalsIgnoreCase(type(element), "process")) continue;
      const commandLine = toKustoString(getProperty(element, "CommandLine"));
      if (commandLine === "") continue;
      const ref = toKustoString(getProperty(getProperty(element, "ImageFile"), "$ref"));
      commandsByRef.set(ref, [...(commandsByRef.get(ref) ?? []), commandLine]);
    }
  }
  const hostsByAlert = collectHosts(shellRows, type);

  const commands = new Map<string, CompatCommand>();
  for (const file of files) {
    for (const commandLine of commandsByRef.get(file.id) ?? []) {
      for (const host of hostsByAlert.get(file.row.alert.SystemAlertId) ?? []) {
        const command: CompatCommand = {
          alertTime: file.row.time,
          timeKey: bin(file.row.time, COMPAT_LOOKUP_BIN_MS),
          imageName: file.imageName,
          commandLine,
          hostName: host.hostName,
          dnsDomain: host.dnsDomain,
        };
        // Identical join rows collapse in the query's final summarize; keep one of each.
        commands.set(
          JSON.stringify([command.timeKey, command.hostName, command.dnsDomain, file.imageName, commandLine]),
          command,
        );
      }
    }
  }
  return { commands: [...commands.values()], shellAlerts: shellIds.size };
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

/** hostdata: `distinct HostName, DnsDomain, SystemAlertId` over top-level host entities. */
function collectHosts(shellRows: readonly ShellRow[], type: (element: unknown) => string) {
  const hosts = new Map<string, { hostName: string; dnsDomain: string }[]>();
  for (const row of shellRows) {
    const list = hosts.get(row.alert.SystemAlertId) ?? [];
    for (const element of row.elements) {
      if (!equalsIgnoreCase(type(element), "host")) continue;
      const host = {
        hostName: toKustoString(getProperty(element, "HostName")),
        dnsDomain: toKustoString(getProperty(element, "DnsDomain")),
      };
      if (!list.some((known) => known.hostName === host.hostName && known.dnsDomain === host.dnsDomain))
        list.push(host);
    }
    hosts.set(row.alert.SystemAlertId, list);
  }
  return hosts;
}
