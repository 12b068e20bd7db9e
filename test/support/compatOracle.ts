import { parseEntityGraph } from "../../lib/core/entities/parseEntityGraph.js";
import {
  bin,
  equalsIgnoreCase,
  getProperty,
  hasAny,
  makeBag,
  makeSet,
  range,
  splitAt,
  toKustoString,
} from "../../lib/core/kusto.js";
import type { AlertRow } from "../../lib/core/model/AlertRow.js";
import { DEFAULT_ENGINE_OPTIONS } from "../../lib/core/model/EngineOptions.js";
import type { WebRequest } from "../../lib/core/model/WebRequest.js";
import { compareRecords } from "../../lib/core/records/compareRecords.js";
import { computeRecordId } from "../../lib/core/records/computeRecordId.js";
import type { EnrichmentRecord } from "../../lib/core/records/EnrichmentRecord.js";

/**
 * The original hunting query written as plainly as its text reads, product and all: `commandKeyedData` as the full
 * file × process join on `$id` (B2), every request in its three bins, the groups, the join on bin and exact host,
 * B1, the summarize and the baseline. Slow and memory-hungry by design: tests hold the engine's compat mode, which
 * never builds the product, to it. Default options, whole input as the range.
 */
export function compatOracle(
  alerts: readonly AlertRow[],
  requests: readonly WebRequest[],
  enrichedAt: number,
): EnrichmentRecord[] {
  const { alertProviders, workerImages, scriptExtensions, distinctIpThreshold } = DEFAULT_ENGINE_OPTIONS;
  const type = (e: unknown) => toKustoString(getProperty(e, "Type"));
  const rows = alerts.flatMap((alert) => {
    const graph = parseEntityGraph(alert.Entities);
    return graph.ok && alert.TimeGenerated !== undefined
      ? [{ alert, time: alert.TimeGenerated, elements: graph.topLevel }]
      : [];
  });
  const shellIds = new Set(
    rows
      .filter(
        (row) =>
          alertProviders.some((p) => equalsIgnoreCase(row.alert.ProviderName, p)) &&
          row.elements.some(
            (e) =>
              equalsIgnoreCase(type(e), "file") &&
              workerImages.some((w) => equalsIgnoreCase(toKustoString(getProperty(e, "Name")), w)),
          ),
      )
      .map((row) => row.alert.SystemAlertId),
  );
  const shellRows = rows.filter((row) => shellIds.has(row.alert.SystemAlertId));
  const files = shellRows.flatMap((row) =>
    row.elements
      .filter((e) => equalsIgnoreCase(type(e), "file"))
      .filter((e) => getProperty(e, "Name") !== undefined && getProperty(e, "Name") !== null)
      .filter((e) => !workerImages.includes(toKustoString(getProperty(e, "Name"))))
      .map((e) => ({
        row,
        id: toKustoString(getProperty(e, "$id")),
        image: toKustoString(getProperty(e, "Name")),
      })),
  );
  const processes = shellRows.flatMap((row) =>
    row.elements
      .filter((e) => equalsIgnoreCase(type(e), "process"))
      .map((e) => ({
        ref: toKustoString(getProperty(getProperty(e, "ImageFile"), "$ref")),
        commandLine: toKustoString(getProperty(e, "CommandLine")),
      }))
      .filter((p) => p.commandLine !== ""),
  );
  const hosts = shellRows.flatMap((row) =>
    row.elements
      .filter((e) => equalsIgnoreCase(type(e), "host"))
      .map((e) => ({
        alertId: row.alert.SystemAlertId,
        hostName: toKustoString(getProperty(e, "HostName")),
      })),
  );
  const commands = files.flatMap((file) =>
    processes
      .filter((p) => p.ref === file.id)
      .flatMap((p) =>
        hosts
          .filter((h) => h.alertId === file.row.alert.SystemAlertId)
          .map((h) => ({
            timeKey: bin(file.row.time, 30_000),
            image: file.image,
            commandLine: p.commandLine,
            hostName: h.hostName,
          })),
      ),
  );

  const script = requests.filter((r) => hasAny(r.csUriStem, scriptExtensions));
  const baseline = new Map<string, Set<string>>();
  for (const r of script) baseline.set(r.csUriStem, (baseline.get(r.csUriStem) ?? new Set()).add(r.cIP));
  const groups = new Map<string, { r: WebRequest; timeKey: number; start: number; end: number }>();
  for (const r of script) {
    const t = r.TimeGenerated;
    for (const timeKey of range(bin(t - 60_000, 30_000), bin(t, 30_000), 30_000)) {
      const key = JSON.stringify([r.sSiteName, r.sComputerName, r.cIP, r.csUserAgent, r.csUriStem, timeKey]);
      const group = groups.get(key);
      if (group === undefined) groups.set(key, { r, timeKey, start: t, end: t });
      else [group.start, group.end] = [Math.min(group.start, t), Math.max(group.end, t)];
    }
  }
  const out = new Map<string, { parts: (string | number)[]; sites: string[]; bag: [string, string][] }>();
  for (const c of commands) {
    for (const g of groups.values()) {
      if (g.timeKey !== c.timeKey || g.r.sComputerName !== c.hostName) continue;
      if (g.start - g.end < 0 || g.start - g.end > 60_000) continue;
      const parts = [g.r.csUriStem, c.image, c.commandLine, c.hostName, g.r.cIP, g.start];
      const key = JSON.stringify(parts);
      const entry = out.get(key) ?? { parts, sites: [], bag: [] };
      entry.sites.push(g.r.sSiteName);
      entry.bag.push([g.r.cIP, g.r.csUserAgent]);
      out.set(key, entry);
    }
  }
  const records: EnrichmentRecord[] = [];
  for (const { parts, sites, bag } of out.values()) {
    const [stem, image, commandLine, hostName, ip, start] = parts as [
      string,
      string,
      string,
      string,
      string,
      number,
    ];
    const ips = Math.min(baseline.get(stem)?.size ?? 0, distinctIpThreshold + 1);
    if (ips > distinctIpThreshold) continue;
    const attacker = makeBag(bag);
    records.push({
      TimeGenerated: start,
      RecordId: computeRecordId(["compat", ...parts]),
      MatchMode: "compat",
      SystemAlertId: "",
      AlertName: "",
      AlertTime: null,
      HostName: hostName,
      DnsDomain: "",
      Sites: makeSet(sites),
      ShellLocation: stem,
      ShellName: splitAt(stem, "/", -1),
      ShellDirectory: "",
      ProcessName: image,
      ProcessCommandLine: commandLine,
      ProcessId: "",
      ProcessCreationTime: null,
      ParentProcessName: "",
      ProcessSource: "",
      AttackerIP: ip,
      AttackerUserAgents: makeSet(Object.values(attacker)),
      Attacker: attacker,
      RequestCount: null,
      FirstRequestTime: null,
      LastRequestTime: null,
      PageDistinctIPs: ips,
      Evidence: [],
      EnrichedAt: enrichedAt,
    });
  }
  return records.sort(compareRecords);
}
