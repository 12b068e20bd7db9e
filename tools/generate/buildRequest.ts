import type { Client, IisHost, Site } from "./Topology.js";
import type { W3cRecord } from "./W3cRecord.js";

/** What a request is, before the host decides how it is logged. */
export interface RequestInit {
  site: Site;
  method: string;
  stem: string;
  query: string;
  client: Client;
  status: number;
  timeTaken: number;
  referer: string;
  scBytes: number;
  csBytes: number;
  /** Behind a load balancer: proxies the request passed through after the client (`X-Forwarded-For` chain). */
  via?: string;
}

/**
 * A request as `host` logs it at `time`. Behind a load balancer `c-ip` is the balancer and the client goes into
 * `X-Forwarded-For` (first, before any proxies); elsewhere the client is `c-ip` and `X-Forwarded-For` is `-`
 * (when the field is logged at all).
 */
export function buildRequest(host: IisHost, time: number, init: RequestInit): W3cRecord {
  const forwarded = host.balancerIp !== undefined;
  return {
    time,
    site: init.site.id,
    method: init.method,
    stem: init.stem,
    query: init.query === "" ? "-" : init.query,
    port: init.site.port,
    userName: "-",
    cIp: forwarded ? (host.balancerIp ?? init.client.ip) : init.client.ip,
    userAgent: init.client.userAgent,
    referer: init.referer === "" ? "-" : init.referer,
    csHost: init.site.hostHeader,
    status: init.status,
    subStatus: 0,
    win32Status: init.status === 404 ? 2 : 0,
    scBytes: init.scBytes,
    csBytes: init.csBytes,
    timeTaken: init.timeTaken,
    // IIS writes the header's ", " separator with `+` for the space, like every space in a W3C value.
    xff: forwarded ? (init.via === undefined ? init.client.ip : `${init.client.ip},+${init.via}`) : "-",
  };
}
