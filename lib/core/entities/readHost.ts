import type { EntityGraph, EntityObject } from "./EntityGraph.js";
import { findEntitiesOfType } from "./findEntitiesOfType.js";
import { readEntityField, readEntityString } from "./readEntityField.js";

/** A `host` entity: the names and addresses that tie an alert to IIS rows (docs/design.md §4.4). */
export interface HostEntity {
  readonly entity: EntityObject;
  readonly hostName: string;
  readonly dnsDomain: string;
  readonly fqdn: string;
  readonly netBiosName: string;
  readonly azureId: string;
  readonly lastIpAddress: string;
  /**
   * Every address known for the host, distinct, in this order: `LastIpAddress`, `IpInterfaces[].Address`, then the
   * `Address` of each `ip` entity of the alert whose `Host` is this host. Matched against IIS `sIP` when no name
   * matches.
   */
  readonly addresses: readonly string[];
}

/** Reads a host entity and gathers its addresses from the rest of the alert. */
export function readHost(graph: EntityGraph, entity: EntityObject): HostEntity {
  const addresses = new Set<string>();
  const add = (address: string) => {
    const trimmed = address.trim();
    if (trimmed !== "") addresses.add(trimmed);
  };

  const lastIpAddress = readEntityString(entity, "LastIpAddress");
  add(lastIpAddress);
  const interfaces = readEntityField(entity, "IpInterfaces");
  if (Array.isArray(interfaces)) {
    for (const item of interfaces) {
      const ip = graph.resolve(item);
      if (ip !== undefined) add(readEntityString(ip, "Address"));
    }
  }
  for (const ip of findEntitiesOfType(graph, "ip")) {
    if (graph.resolve(readEntityField(ip, "Host")) === entity) add(readEntityString(ip, "Address"));
  }

  return {
    entity,
    hostName: readEntityString(entity, "HostName"),
    dnsDomain: readEntityString(entity, "DnsDomain"),
    fqdn: readEntityString(entity, "FQDN"),
    netBiosName: readEntityString(entity, "NetBiosName"),
    azureId: readEntityString(entity, "AzureID"),
    lastIpAddress,
    addresses: [...addresses],
  };
}

/**
 * The name IIS rows are matched on (docs/design.md §2, B7, §4.4): the lower-case first DNS label of `HostName`, else of
 * `FQDN`, else the lower-case `NetBiosName`; `""` when the entity names none. IIS writes `s-computername` and the
 * agent writes `Computer` in whatever case and qualification the machine has, so only this form compares.
 *
 * @example shortHostName(readHost(graph, host)) // "web01" for HostName "WEB01.contoso.com"
 */
export function shortHostName(host: Pick<HostEntity, "hostName" | "fqdn" | "netBiosName">): string {
  for (const name of [host.hostName, host.fqdn]) {
    const label = firstDnsLabel(name);
    if (label !== "") return label;
  }
  return host.netBiosName.trim().toLowerCase();
}

/**
 * The lower-case first DNS label of a host name: how Defender host entities and IIS rows are put on the same
 * footing (`WEB01.contoso.local` and `web01` both give `web01`). Surrounding white space is ignored.
 *
 * @example firstDnsLabel(" Web01.contoso.local ") // "web01"
 */
export function firstDnsLabel(name: string): string {
  const trimmed = name.trim();
  const dot = trimmed.indexOf(".");
  return (dot === -1 ? trimmed : trimmed.slice(0, dot)).toLowerCase();
}
