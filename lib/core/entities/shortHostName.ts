import { firstDnsLabel } from "./firstDnsLabel.js";
import type { HostEntity } from "./readHost.js";

/**
 * The name IIS rows are matched on (DESIGN B7, §4.4): the lower-case first DNS label of `HostName`, else of
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
