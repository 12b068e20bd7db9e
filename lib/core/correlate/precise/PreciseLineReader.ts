import type { BaselineScope } from "../../model/EngineOptions.js";
import type { RequestLine } from "../../model/RequestLine.js";
import { lowerUtf8Into, NEEDS_TEXT } from "../../utf8.js";
import type { DistinctIpBaseline } from "../DistinctIpBaseline.js";
import { attackerAddressOf, hostNameFromParts } from "./requestIdentity.js";

/**
 * The precise correlator's reading of W3C lines: the request's host name, its baseline key and its attacker, exactly
 * as `requestHostName`, `baselineKey` and `attackerAddress` give them for `line.toRequest()`, without building them
 * per line. The key is made in bytes (the host and site part once per change of host or site, the page lowered on
 * its bytes, through its text only for the rare character that needs it) and numbered by the baseline; the
 * attacker is a number read from `c-ip`'s bytes.
 */
export class PreciseLineReader {
  private lastComputer: string | undefined;
  private lastDefaultHost: string | undefined;
  private lastName = "";
  private lastSite: string | undefined;
  private lastSiteLower = "";
  private prefixFor: string | undefined;
  private prefixLength = 0;
  private scratch = new Uint8Array(256);
  private readonly encoder = new TextEncoder();

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

  /** The number of the line's baseline key (`baselineKey` of its request) in the baseline. */
  keyOf(line: RequestLine, hostName: string): number {
    // The default scope on an ASCII line: the key is the page lowered, found from the line's bytes as they are.
    if (this.scope === "page" && line.ascii)
      return this.baseline.keyOfLoweredAscii(line.buf, line.stemStart(), line.stemEnd());
    let length = 0;
    if (this.scope !== "page") {
      const hostKey = hostName || line.text("sIP").trim();
      const prefix =
        this.scope === "host" ? `${hostKey}\u0000` : `${hostKey}\u0000${this.siteLower(line)}\u0000`;
      if (prefix !== this.prefixFor) {
        this.prefixFor = prefix;
        this.prefixLength = this.write(prefix, 0);
      }
      length = this.prefixLength;
    }
    // The page lowered on its bytes after the prefix, unless a character needs the text (see `lowerUtf8Into`).
    const start = line.stemStart();
    const end = line.stemEnd();
    this.room(length + 2 * (end - start));
    const lowered = lowerUtf8Into(this.scratch, length, line.buf, start, end);
    length = lowered !== NEEDS_TEXT ? lowered : this.write(line.text("csUriStem").toLowerCase(), length);
    return this.baseline.keyOfBytes(this.scratch, 0, length);
  }

  /** Counts the line's attacker for its key, as `baseline.add(baselineKey(r), attackerAddress(r))` does. */
  count(line: RequestLine, key: number): void {
    const { baseline } = this;
    if (baseline.full(key)) return;
    const forwarded = line.columnStart("XForwardedFor") < 0 ? "" : line.text("XForwardedFor");
    if (forwarded !== "") {
      const address = attackerAddressOf(forwarded, line.text("cIP"));
      if (address !== "") baseline.addCode(key, baseline.codes.ofText(address));
      return;
    }
    const start = line.columnStart("cIP");
    if (start < 0) return;
    const end = line.columnEnd("cIP");
    if (end === start || (end - start === 1 && line.buf[start] === 0x2d)) return; // empty or "-": no address
    const code = baseline.codes.ofAsciiBytes(line.buf, start, end);
    baseline.addCode(key, code >= 0 ? code : baseline.codes.ofText(line.text("cIP")));
  }

  private siteLower(line: RequestLine): string {
    const site = line.text("sSiteName");
    if (site !== this.lastSite) {
      this.lastSite = site;
      this.lastSiteLower = site.toLowerCase();
    }
    return this.lastSiteLower;
  }

  /** Writes `text` as UTF-8 into the scratch buffer at `at` and returns where it ends. */
  private write(text: string, at: number): number {
    this.room(at + 3 * text.length);
    return at + this.encoder.encodeInto(text, this.scratch.subarray(at)).written;
  }

  private room(bytes: number): void {
    if (this.scratch.length >= bytes) return;
    const grown = new Uint8Array(2 * bytes);
    grown.set(this.scratch);
    this.scratch = grown;
  }
}
