import type { W3cServer } from "./formatW3cLine.js";
import type { PageSet } from "./pageCatalog.js";

/** A Defender-onboarded machine, as its alert host entity describes it. */
export interface Machine {
  /** Short host name as Defender reports it (lower case). */
  hostName: string;
  dnsDomain: string;
  /** `LastIpAddress`: the address IIS logs as `s-ip`. */
  ip: string;
  externalIp: string;
  deviceId: string;
  osVersion: string;
}

/** One IIS site on a host. */
export interface Site {
  id: string;
  hostHeader: string;
  port: number;
  /** Share of the host's traffic. */
  share: number;
  pages: PageSet;
}

/** A web server whose IIS logs are in the data set. */
export interface IisHost extends W3cServer {
  machine: Machine;
  /** `#Software` value. */
  software: string;
  sites: readonly Site[];
  /** `#Fields` at the start of the data. */
  fields: readonly string[];
  /** A logging config change: from `at` on, the host logs `fields`. */
  fieldChange: { at: number; fields: readonly string[] } | undefined;
  /** Behind a load balancer, `c-ip` is always this address and the client is in `X-Forwarded-For`. */
  balancerIp: string | undefined;
  /** Share of all benign lines. */
  share: number;
  /** Application-pool recycles: IIS writes the header again and starts a new `w3wp.exe`. */
  recycles: readonly number[];
  appPool: string;
}

/** A benign or hostile client: its address and user agent (in W3C form, `+` for spaces). */
export interface Client {
  ip: string;
  userAgent: string;
}

/** Everything fixed before traffic is generated. */
export interface Topology {
  tenantId: string;
  iisHosts: readonly IisHost[];
  /** A web server without IIS logs in the workspace. */
  appServer: Machine;
  workstations: readonly Machine[];
  clients: readonly Client[];
  bots: readonly Client[];
  scanners: readonly Client[];
  /** Number of long-tail images (and, in the project's own profile, script pages) benign traffic draws from. */
  longTailSize: number;
  /** Long-tail script pages named with ids in their paths (`/portal/orders/918273/view.aspx`). */
  idPaths: boolean;
  /** Folders before each id-path page (`GenerateOptions.pageDepth`). */
  pageDepth: number;
  /** Share of id-path pages under a folder in another script (`GenerateOptions.nonLatinShare`); 0: none. */
  nonLatinShare: number;
  /** Share of browser requests from a temporary IPv6 address (`GenerateOptions.ipv6Share`); 0: none. */
  ipv6Share: number;
}

/** The `#Fields` a host logs at a given time. */
export function fieldsAt(host: IisHost, time: number): readonly string[] {
  return host.fieldChange !== undefined && time >= host.fieldChange.at
    ? host.fieldChange.fields
    : host.fields;
}
