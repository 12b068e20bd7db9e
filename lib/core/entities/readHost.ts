import type { EntityGraph, EntityObject } from "./EntityGraph.js";
import { findEntitiesOfType } from "./findEntitiesOfType.js";
import { readEntityField, readEntityString } from "./readEntityField.js";

/** A `host` entity: the names and addresses that tie an alert to IIS rows (DESIGN §4.4). */
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
