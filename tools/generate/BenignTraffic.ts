import { buildRequest } from "./buildRequest.js";
import {
  idPathScriptPage,
  longTailImage,
  longTailScriptPage,
  SCANNER_OTHER_PAGES,
  SCANNER_SCRIPT_PAGES,
} from "./pageCatalog.js";
import type { TrafficMix } from "./planTrafficMix.js";
import type { Random } from "./Random.js";
import type { Client, IisHost, Site, Topology } from "./Topology.js";
import type { W3cRecord } from "./W3cRecord.js";

const WORDS = [
  "laptop",
  "printer",
  "invoice",
  "monitor",
  "router",
  "desk",
  "chair",
  "cable",
  "phone",
  "camera",
];
/** Some clients reach the load-balanced portal through their company's proxy, which adds itself to the chain. */
const CORPORATE_PROXY = "192.0.2.10";
const SEARCH_ENGINES = ["https://www.google.com/", "https://www.bing.com/", "https://duckduckgo.com/"];

/**
 * Benign requests for one host: browsers on the popular pages and their assets, crawlers, a long tail of rarely
 * requested pages, and scanners probing for well-known files (the 404 noise). About 40 % of requests are script
 * pages, unless the profile says otherwise (`planTrafficMix`). Where `rareAllowed` is false (near a command, see
 * `SlotPlan`) script pages are only popular ones.
 */
export class BenignTraffic {
  private readonly siteCumulative: number[];
  private readonly homeReferer: string;

  constructor(
    private readonly random: Random,
    private readonly topology: Topology,
    private readonly host: IisHost,
    private readonly mix: TrafficMix,
    private readonly tailPages: number,
  ) {
    let sum = 0;
    this.siteCumulative = host.sites.map((site) => (sum += site.share));
    const home = host.sites[0];
    this.homeReferer =
      home === undefined ? "" : [`https://${home.hostHeader}`, home.pages.scriptPages[0] ?? "/"].join("");
  }

  /** One request completing at `time` (epoch ms on a whole second). */
  request(time: number, rareAllowed: boolean): W3cRecord {
    const r = this.random;
    const site = this.site();
    const kind = r.next();
    if (kind < 0.03) return this.scan(time, site, rareAllowed);
    const client = kind < 0.08 ? r.pick(this.topology.bots) : this.browser();
    const u = r.next();
    const { mix } = this;
    if (u < mix.popularEnd) return this.popular(time, site, client);
    if (u < mix.tailEnd) {
      if (!rareAllowed) return this.popular(time, site, client);
      const index = r.int(this.tailPages);
      const page = this.topology.idPaths
        ? idPathScriptPage(index, this.topology.pageDepth, this.topology.nonLatinShare)
        : longTailScriptPage(index);
      const found = r.chance(0.85);
      return this.make(
        time,
        site,
        client,
        "GET",
        page,
        page.endsWith(".php") && r.chance(0.3) ? "ref=rss" : "",
        found ? 200 : 404,
        this.scriptTime(),
        this.searchReferer(),
      );
    }
    if (u < mix.imageEnd) {
      return this.make(
        time,
        site,
        client,
        "GET",
        longTailImage(r.int(this.topology.longTailSize)),
        "",
        r.chance(0.9) ? 200 : 404,
        r.int(40),
        `https://${site.hostHeader}/`,
      );
    }
    const page = r.pick(site.pages.otherPages);
    return this.make(
      time,
      site,
      client,
      "GET",
      page,
      "",
      r.chance(0.7) ? 200 : 304,
      r.int(35),
      this.siteReferer(site),
    );
  }

  private site(): Site {
    const x = this.random.next() * (this.siteCumulative.at(-1) ?? 1);
    const index = this.siteCumulative.findIndex((c) => x < c);
    return this.host.sites[index < 0 ? 0 : index] ?? (this.host.sites[0] as Site);
  }

  /** A browser, over IPv6 in `ipv6Share` of requests (no random draw when the share is 0: sets stay as they were). */
  private browser(): Client {
    const client = this.client();
    const share = this.topology.ipv6Share;
    if (share === 0 || !this.random.chance(share)) return client;
    return { ip: temporaryIpv6Address(this.random), userAgent: client.userAgent };
  }

  /** Browsers: a few heavy users, many occasional ones. */
  private client(): Client {
    const clients = this.topology.clients;
    const u = this.random.next();
    return clients[Math.floor(u * u * clients.length)] ?? (clients[0] as Client);
  }

  private popular(time: number, site: Site, client: Client): W3cRecord {
    const r = this.random;
    let page = r.pick(site.pages.scriptPages);
    let method = "GET";
    let status = r.chance(0.995) ? 200 : 500;
    let query = "";
    if (page.includes(".asmx")) method = r.chance(0.6) ? "POST" : "GET";
    else if (page.endsWith("login.aspx") && r.chance(0.4)) [method, status] = ["POST", 302];
    if (page === "/products/detail.aspx") query = `id=${r.between(1000, 9999)}`;
    else if (page === "/search.aspx") query = `q=${r.pick(WORDS)}`;
    else if (page === "/products/list.aspx") query = `cat=${r.between(1, 40)}&page=${r.between(1, 6)}`;
    else if (page.endsWith("reports.aspx") || page.endsWith("news.php")) query = `id=${r.between(1, 500)}`;
    if (page === "/default.aspx" && r.chance(0.05)) page = "/Default.aspx";
    const isAsset = page.endsWith(".js");
    return this.make(
      time,
      site,
      client,
      method,
      page,
      query,
      isAsset && r.chance(0.3) ? 304 : status,
      isAsset ? r.int(30) : this.scriptTime(),
      isAsset ? this.siteReferer(site) : this.searchReferer(),
    );
  }

  private scan(time: number, site: Site, rareAllowed: boolean): W3cRecord {
    const r = this.random;
    const scripts = rareAllowed && r.chance(0.6);
    const page = r.pick(scripts ? SCANNER_SCRIPT_PAGES : SCANNER_OTHER_PAGES);
    return this.make(
      time,
      site,
      r.pick(this.topology.scanners),
      page === "/xmlrpc.php" ? "POST" : "GET",
      page,
      "",
      404,
      r.int(25),
      "",
    );
  }

  /** Script pages: mostly fast, a long thin tail of slow ones (capped at 60 s). */
  private scriptTime(): number {
    const r = this.random;
    if (r.chance(0.01)) return r.between(2000, 30_000);
    return Math.min(60_000, 15 + Math.floor(-Math.log(1 - r.next()) * 120));
  }

  /** Pages: half typed in or bookmarked, a quarter from search engines, a quarter from the site's home page. */
  private searchReferer(): string {
    const u = this.random.next();
    return u < 0.5 ? "" : u < 0.75 ? this.random.pick(SEARCH_ENGINES) : this.homeReferer;
  }

  /** Assets: mostly loaded by one of the site's pages (some browsers and privacy settings send none). */
  private siteReferer(site: Site): string {
    if (this.random.chance(0.35)) return "";
    return [`https://${site.hostHeader}`, this.random.pick(site.pages.scriptPages)].join("");
  }

  private make(
    time: number,
    site: Site,
    client: Client,
    method: string,
    stem: string,
    query: string,
    status: number,
    timeTaken: number,
    referer: string,
  ): W3cRecord {
    const r = this.random;
    return buildRequest(this.host, time, {
      site,
      method,
      stem,
      query,
      client,
      status,
      timeTaken,
      referer,
      scBytes: status === 304 ? 182 + r.int(60) : status === 404 ? 1245 + r.int(200) : 900 + r.int(40_000),
      csBytes: method === "POST" ? 600 + r.int(3000) : 220 + r.int(600),
      ...(this.host.balancerIp !== undefined && r.chance(0.1) ? { via: CORPORATE_PROXY } : {}),
    });
  }
}

/** Global unicast prefixes of large access networks (European, American and Asian ISPs and mobile carriers). */
const IPV6_PREFIXES = ["2a02", "2a01", "2003", "2600", "2601", "2607", "2406", "2409"];

/**
 * A temporary IPv6 address as IIS logs it (groups in lower-case hex without leading zeros, no `::`: a random
 * interface id has no zero run): about 35 bytes, a new one each time, as a host with privacy extensions on.
 */
function temporaryIpv6Address(random: Random): string {
  const groups = [random.pick(IPV6_PREFIXES)];
  for (let i = 1; i < 8; i++) groups.push((1 + random.int(0xffff)).toString(16));
  return groups.join(":");
}
