import {
  type AlertOrigin,
  PROCESS_SOURCES,
  type ProcessObservation,
  type ProcessSource,
} from "../../model/ProcessObservation.js";

/** One process per identity, and what was left out. */
export interface MergedObservations {
  /** In order of first appearance of each identity (the alerts' first, as they are given first). */
  observations: ProcessObservation[];
  /** Processes only `DeviceProcessEvents` saw whose image is a benign child of IIS, per image as configured. */
  benignExcluded: Map<string, number>;
}

/**
 * Makes one observation of every process, whichever sources saw it (docs/design.md §4.12): observations of one
 * identity merge into one that lists every source and carries the earliest alert that named the process. Its
 * fields are that alert's (blanks filled from the device's row), else the first row's, so an alert that arrives
 * later adds its id and name to the same process, whose record id does not change (§4.9).
 *
 * `DeviceProcessEvents` rows name a device but not its addresses; a device that an alert of the run names lends
 * that alert's addresses, so its processes match IIS rows that carry only `s-ip` like the alert's do.
 *
 * A process only `DeviceProcessEvents` saw whose image is in `benignChildren` (what IIS runs on its own: console
 * hosts, the ASP.NET compilers) is left out and counted. One an alert names is kept: Defender found it worth an alert.
 */
export function mergeObservations(
  observations: readonly ProcessObservation[],
  benignChildren: readonly string[],
): MergedObservations {
  const byIdentity = new Map<string, ProcessObservation[]>();
  for (const observation of observations) {
    const seen = byIdentity.get(observation.identity);
    if (seen === undefined) byIdentity.set(observation.identity, [observation]);
    else seen.push(observation);
  }
  const addresses = alertAddresses(observations);
  const benign = new Map(benignChildren.map((image) => [image.toLowerCase(), image]));
  const benignExcluded = new Map<string, number>();
  const merged: ProcessObservation[] = [];
  for (const group of byIdentity.values()) {
    const process = mergeGroup(group, addresses);
    const image = benign.get(process.processName.trim().toLowerCase());
    if (process.alert === null && image !== undefined) {
      benignExcluded.set(image, (benignExcluded.get(image) ?? 0) + 1);
      continue;
    }
    merged.push(process);
  }
  // In the configured list's order, so every run reports them alike.
  const ordered = [...benign.values()].filter((image) => benignExcluded.has(image));
  return {
    observations: merged,
    benignExcluded: new Map(ordered.map((image) => [image, benignExcluded.get(image)!])),
  };
}

function mergeGroup(
  group: readonly ProcessObservation[],
  addressBook: ReadonlyMap<string, readonly string[]>,
): ProcessObservation {
  const alerted = group.filter((o) => o.alert !== null).sort((a, b) => compareAlerts(a.alert!, b.alert!));
  const primary = alerted[0] ?? group[0]!;
  const others = group.filter((o) => o !== primary);
  const fill = (field: "processName" | "commandLine" | "parentProcessName"): string =>
    primary[field] || (others.find((o) => o[field] !== "")?.[field] ?? "");
  const sources = new Set<ProcessSource>(group.flatMap((o) => o.sources));
  const addresses = new Set(group.flatMap((o) => o.host.addresses));
  for (const address of addressBook.get(primary.host.shortName) ?? []) addresses.add(address);
  return {
    ...primary,
    sources: PROCESS_SOURCES.filter((source) => sources.has(source)),
    host: {
      ...primary.host,
      dnsDomain:
        primary.host.dnsDomain || (others.find((o) => o.host.dnsDomain !== "")?.host.dnsDomain ?? ""),
      addresses: [...addresses],
    },
    processName: fill("processName"),
    commandLine: fill("commandLine"),
    parentProcessName: fill("parentProcessName"),
  };
}

/** The addresses alerts give each host (by short name). */
function alertAddresses(observations: readonly ProcessObservation[]): Map<string, string[]> {
  const book = new Map<string, Set<string>>();
  for (const o of observations) {
    if (o.alert === null || o.host.shortName === "") continue;
    const known = book.get(o.host.shortName) ?? new Set<string>();
    for (const address of o.host.addresses) known.add(address);
    book.set(o.host.shortName, known);
  }
  return new Map([...book].map(([name, set]) => [name, [...set]]));
}

/** Earliest alert first (by TimeGenerated; one without a time last), then by id, so the choice is stable. */
function compareAlerts(a: AlertOrigin, b: AlertOrigin): number {
  const at = a.alertTime ?? Number.POSITIVE_INFINITY;
  const bt = b.alertTime ?? Number.POSITIVE_INFINITY;
  if (at !== bt) return at < bt ? -1 : 1;
  return a.systemAlertId < b.systemAlertId ? -1 : a.systemAlertId > b.systemAlertId ? 1 : 0;
}
