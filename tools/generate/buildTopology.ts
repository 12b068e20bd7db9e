import type { GenerateOptions } from "./GenerateOptions.js";
import type { IpAllocator } from "./IpAllocator.js";
import { API_PAGES, INTRANET_PAGES, PORTAL_PAGES, WWW_PAGES } from "./pageCatalog.js";
import type { Random } from "./Random.js";
import type { Client, IisHost, Machine, Topology } from "./Topology.js";
import { BOT_USER_AGENTS, BROWSER_USER_AGENTS, SCANNER_USER_AGENTS, toW3cUserAgent } from "./userAgents.js";
import {
  COMPUTER_FIELDS,
  IIS_DEFAULT_FIELDS,
  LOAD_BALANCED_FIELDS,
  SITE_AND_COMPUTER_FIELDS,
  SITE_AND_COMPUTER_FIELDS_WITH_XFF,
} from "./w3cFields.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// IIS recycles an application pool every 1740 minutes by default.
const RECYCLE_PERIOD = 1740 * 60_000;
const IIS10 = "Microsoft Internet Information Services 10.0";
/** The load balancer in front of WEB03: every request there arrives from this address. */
export const BALANCER_IP = "10.10.2.4";

/**
 * The fixed world of a data set: five IIS hosts that differ in what they log (WEB01: site and computer names, then
 * a custom `X-Forwarded-For` field from a config change; WEB02: computer name only; WEB03: behind a load balancer;
 * WEB04: IIS 8.5 defaults, no computer name; WEB05: a second node of the shop's farm, where nothing alerts), an app
 * server without IIS logs, workstations, and the client population (browsers, crawlers, scanners), sized from
 * `--lines`.
 */
export function buildTopology(random: Random, ips: IpAllocator, options: GenerateOptions): Topology {
  const end = options.start + options.days * DAY;
  const machine = (hostName: string, ip: string, osVersion: string): Machine => ({
    hostName,
    dnsDomain: "contoso.local",
    ip,
    externalIp: `20.${random.between(40, 120)}.${random.int(256)}.${random.between(1, 254)}`,
    deviceId: random.hex(40),
    osVersion,
  });
  ips.reserve(BALANCER_IP);
  const recycles = () => {
    const times: number[] = [];
    for (
      let t = options.start + random.between(60, 1700) * 60_000 + random.int(60) * 1000;
      t < end;
      t += RECYCLE_PERIOD
    ) {
      times.push(t);
    }
    return times;
  };
  const host = (fields: Omit<IisHost, "computerName" | "ip" | "recycles">): IisHost => ({
    ...fields,
    computerName: fields.machine.hostName.toUpperCase(),
    ip: fields.machine.ip,
    recycles: recycles(),
  });
  const www = { id: "W3SVC1", hostHeader: "www.contoso.com", port: 443, share: 1, pages: WWW_PAGES };
  const changeDay = options.days > 1 ? 1 : 0;
  const iisHosts: IisHost[] = [
    host({
      machine: machine("web01", "10.10.1.11", "1809"),
      software: IIS10,
      sites: [
        { ...www, share: 0.7 },
        { id: "W3SVC2", hostHeader: "api.contoso.com", port: 443, share: 0.3, pages: API_PAGES },
      ],
      fields: SITE_AND_COMPUTER_FIELDS,
      fieldChange: {
        at: options.start + changeDay * DAY + 9 * HOUR + random.int(120) * 60_000 + random.int(60) * 1000,
        fields: SITE_AND_COMPUTER_FIELDS_WITH_XFF,
      },
      balancerIp: undefined,
      share: 0.32,
      appPool: "DefaultAppPool",
    }),
    host({
      machine: machine("web02", "10.10.1.12", "1809"),
      software: IIS10,
      sites: [www],
      fields: COMPUTER_FIELDS,
      fieldChange: undefined,
      balancerIp: undefined,
      share: 0.22,
      appPool: "DefaultAppPool",
    }),
    host({
      machine: machine("web03", "10.10.2.13", "21H2"),
      software: IIS10,
      sites: [{ id: "W3SVC3", hostHeader: "portal.contoso.com", port: 443, share: 1, pages: PORTAL_PAGES }],
      fields: LOAD_BALANCED_FIELDS,
      fieldChange: undefined,
      balancerIp: BALANCER_IP,
      share: 0.22,
      appPool: "PortalAppPool",
    }),
    host({
      machine: machine("web04", "10.10.1.14", "6.3"),
      software: "Microsoft Internet Information Services 8.5",
      sites: [
        { id: "W3SVC1", hostHeader: "intranet.contoso.local", port: 80, share: 1, pages: INTRANET_PAGES },
      ],
      fields: IIS_DEFAULT_FIELDS,
      fieldChange: undefined,
      balancerIp: undefined,
      share: 0.14,
      appPool: "IntranetAppPool",
    }),
    host({
      machine: machine("web05", "10.10.1.15", "1809"),
      software: IIS10,
      sites: [www],
      fields: SITE_AND_COMPUTER_FIELDS,
      fieldChange: undefined,
      balancerIp: undefined,
      share: 0.1,
      appPool: "DefaultAppPool",
    }),
  ];
  ips.reserve(...iisHosts.map((h) => h.ip), "10.10.3.21");
  const workstations = ["wks-0142", "wks-0377", "wks-1029"].map((name, i) =>
    machine(name, `10.20.4.${31 + i}`, "22H2"),
  );

  const clientCount = Math.min(50_000, Math.max(300, Math.round(options.lines / 30)));
  const clients: Client[] = [];
  for (let i = 0; i < clientCount; i++) {
    clients.push({ ip: ips.client(), userAgent: toW3cUserAgent(random.pick(BROWSER_USER_AGENTS)) });
  }
  const bots = ["66.249", "66.249", "157.55.39", "40.77.167", "5.255"].flatMap((prefix, i) =>
    Array.from({ length: 4 }, () => ({
      ip: ips.within(prefix),
      userAgent: toW3cUserAgent(BOT_USER_AGENTS[Math.min(i >> 1, BOT_USER_AGENTS.length - 1)] ?? ""),
    })),
  );
  const scannerCount = Math.min(300, Math.max(8, Math.round(options.lines / 2000)));
  const scanners = Array.from({ length: scannerCount }, () => ({
    ip: ips.hosting(),
    userAgent: toW3cUserAgent(random.pick(SCANNER_USER_AGENTS)),
  }));

  return {
    tenantId: random.guid(),
    iisHosts,
    appServer: machine("app01", "10.10.3.21", "1809"),
    workstations,
    clients,
    bots,
    scanners,
    longTailSize: Math.min(2_000_000, Math.max(200, Math.round(options.lines / 20))),
    idPaths: options.scriptStemsPerMillion !== undefined,
    pageDepth: options.pageDepth ?? 0,
    nonLatinShare: options.nonLatinShare ?? 0,
    ipv6Share: options.ipv6Share ?? 0,
  };
}
