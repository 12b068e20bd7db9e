import type { BaselineScope } from "../../model/EngineOptions.js";
import type { RequestLine } from "../../model/RequestLine.js";
import { composeBaselineKey, type DistinctIpBaseline, type IpTally } from "../DistinctIpBaseline.js";
import { attackerAddressOf, hostNameFromParts } from "./requestIdentity.js";

/** What precise mode keeps per page (see `PageTable`). */
export interface PrecisePage {
  /** `csUriStem` in lower case: the page part of its baseline key. */
  lower: string;
  /** Whether it is a script page (`has_any` of the script extensions). */
  script: boolean;
  /** Its baseline tallies, made when the first address is counted: one (scope `page`) or per host and site. */
  tallies: IpTally | Map<string, IpTally> | undefined;
}

/**
 * The precise correlator's reading of W3C lines: the request's host name and its baseline count, exactly as
 * `requestHostName` and `baselineKey` give them for `line.toRequest()`, without building them again per line.
 */
export class PreciseLineReader {
  private lastComputer: string | undefined;
  private lastDefaultHost: string | undefined;
  private lastName = "";
  private lastSite: string | undefined;
  private lastSiteLower = "";

  constructor(
    private readonly baseline: DistinctIpBaseline,
    private readonly scope: BaselineScope,
  ) {}

  /** `requestHostName(line.toRequest())`, remembered while the host field and `--iis-host` stay the same. */
  hostName(line: RequestLine): string {
    const computer = line.text("sComputerName");
    if (computer !== this.lastComputer || line.defaultHost !== this.lastDefaultHost) {
      this.lastComputer = computer;
      this.lastDefaultHost = line.defaultHost;
      this.lastName = hostNameFromParts(computer, line.text("Computer"), "");
    }
    return this.lastName;
  }

  /** Counts the line's attacker address for its page, as `baseline.add(baselineKey(r), attackerAddress(r))`. */
  count(line: RequestLine, page: PrecisePage, hostName: string): void {
    const key = this.scope === "page" ? "" : this.tallyKey(line, hostName);
    const tally = page.tallies instanceof Map ? page.tallies.get(key) : page.tallies;
    if (tally !== undefined && tally.full) return;
    const address = attackerAddressOf(line.text("XForwardedFor"), line.text("cIP"));
    if (address === "") return;
    if (tally !== undefined) return tally.add(address);
    const made = this.baseline.tally(this.baselineKey(line, page, hostName));
    if (this.scope === "page") page.tallies = made;
    else {
      if (!(page.tallies instanceof Map)) page.tallies = new Map();
      page.tallies.set(key, made);
    }
    made.add(address);
  }

  /** The baseline key of the line, as the correlator's `baselineKey` gives it. */
  private baselineKey(line: RequestLine, page: PrecisePage, hostName: string): string {
    return composeBaselineKey(
      this.scope,
      page.lower,
      hostName || line.text("sIP").trim(),
      this.siteLower(line),
    );
  }

  /** What tells the page's tallies apart in scopes `host` and `site`. */
  private tallyKey(line: RequestLine, hostName: string): string {
    const hostKey = hostName || line.text("sIP").trim();
    return this.scope === "host" ? hostKey : `${hostKey}\u0000${this.siteLower(line)}`;
  }

  private siteLower(line: RequestLine): string {
    const site = line.text("sSiteName");
    if (site !== this.lastSite) {
      this.lastSite = site;
      this.lastSiteLower = site.toLowerCase();
    }
    return this.lastSiteLower;
  }
}
