import { firstDnsLabel } from "../../entities/readHost.js";
import type { WebRequest } from "../../model/WebRequest.js";

/**
 * The server a request ran on, as a lower-case short host name (docs/design.md §4.4): `sComputerName`, else `Computer`,
 * else the VM name at the end of `_ResourceId`. `""` when none is known; then only `sIP` can place the request.
 */
export function requestHostName(request: WebRequest): string {
  return hostNameFromParts(request.sComputerName, request.Computer, request._ResourceId);
}

/** {@link requestHostName} from the three columns, for readers that have them without a whole request. */
export function hostNameFromParts(sComputerName: string, computer: string, resourceId: string): string {
  // The first name that is logged at all, then its first label: the same expression the workspace query uses
  // (`coalesce` over trimmed columns), so the pushed-down filter and this rule agree on every row.
  return firstDnsLabel(sComputerName.trim() || computer.trim() || vmNameOf(resourceId));
}

/**
 * The attacker's address (docs/design.md §4.8): behind a load balancer `cIP` is the balancer, so the first address of a
 * logged `X-Forwarded-For` wins, without a port.
 */
export function attackerAddress(request: WebRequest): string {
  return attackerAddressOf(request.XForwardedFor, request.cIP);
}

/**
 * {@link attackerAddress} from the two columns, for readers that have them without a whole request. The chain is as
 * logged (docs/design.md §4.10), so IIS's `+` for a space counts as a space around its addresses.
 */
export function attackerAddressOf(xForwardedFor: string, cIP: string): string {
  if (xForwardedFor === "") return cIP; // most logs: the field is not logged
  const forwarded = trimHeaderSpace(xForwardedFor);
  if (forwarded === "" || forwarded === "-") return cIP;
  const comma = forwarded.indexOf(",");
  const first = comma === -1 ? forwarded : trimHeaderSpace(forwarded.slice(0, comma));
  return first === "" ? cIP : withoutPort(first);
}

/**
 * A forwarded entry without the client's port. Azure Application Gateway writes each entry as `IP:port`, and IIS
 * ARR can add the port too, so one attacker comes with a new port on every connection: counted with it, the attacker
 * would be a new address per request, and after a few requests the shell would look popular and be dropped.
 * `[v6]:port` and `[v6]` lose their brackets; a bare IPv6 address (more than one colon) is an address as it is.
 */
function withoutPort(entry: string): string {
  if (entry.startsWith("[")) {
    const close = entry.indexOf("]");
    return close > 1 ? entry.slice(1, close) : entry;
  }
  const colon = entry.indexOf(":");
  if (colon <= 0 || colon !== entry.lastIndexOf(":")) return entry;
  return /^\d{1,5}$/.test(entry.slice(colon + 1)) ? entry.slice(0, colon) : entry;
}

/** Trims white space and `+` (IIS's space in a header value), which no address contains. */
function trimHeaderSpace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isHeaderSpace(text.charCodeAt(start))) start++;
  while (end > start && isHeaderSpace(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** `+`, or a character `String.prototype.trim` takes away (white space, line terminators). */
function isHeaderSpace(code: number): boolean {
  if (code === 0x2b || code === 0x20 || (code >= 0x09 && code <= 0x0d)) return true;
  return code >= 0x80 && String.fromCharCode(code).trim() === "";
}

// Only plain VMs: a scale-set instance's resource id ends in an instance number, not its computer name.
const VM_ID = /\/providers\/microsoft\.compute\/virtualmachines\/([^/]+)$/i;

function vmNameOf(resourceId: string): string {
  return VM_ID.exec(resourceId.trim())?.[1] ?? "";
}
