import type { Random } from "./Random.js";

// First octets of busy public address space (ISPs, mobile carriers, clouds); never private or reserved ranges.
const CLIENT_FIRST_OCTETS = [
  24, 31, 37, 46, 47, 62, 67, 68, 71, 73, 76, 77, 78, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93,
  94, 95, 98, 99, 108, 109, 151, 172, 173, 174, 176, 178, 188, 195, 212, 213, 217,
];
// Hosting providers and VPS ranges that attackers and scanners rent.
const HOSTING_FIRST_OCTETS = [5, 45, 89, 103, 107, 138, 139, 141, 146, 159, 167, 185, 193, 194, 198, 209];

/**
 * Hands out distinct IPv4 addresses, so that "distinct client IPs" in the ground truth is exactly what was
 * planned: no attacker ever shares an address with a benign client by accident.
 */
export class IpAllocator {
  private readonly used = new Set<string>();

  constructor(private readonly random: Random) {}

  /** Marks fixed addresses (servers, balancers) as taken. */
  reserve(...ips: string[]): void {
    for (const ip of ips) this.used.add(ip);
  }

  /** A fresh address of a residential or business client. */
  client(): string {
    return this.fresh(
      () => `${this.random.pick(CLIENT_FIRST_OCTETS)}.${this.octet()}.${this.octet()}.${this.host()}`,
    );
  }

  /** A fresh address in hosting space (attackers, scanners). */
  hosting(): string {
    return this.fresh(
      () => `${this.random.pick(HOSTING_FIRST_OCTETS)}.${this.octet()}.${this.octet()}.${this.host()}`,
    );
  }

  /** A fresh address inside a /16 or /24 given as its first two or three octets (`66.249`, `40.77.167`). */
  within(prefix: string): string {
    const full = prefix.split(".").length === 3;
    return this.fresh(() => (full ? [prefix, this.host()] : [prefix, this.octet(), this.host()]).join("."));
  }

  private octet(): number {
    return this.random.int(256);
  }

  private host(): number {
    return this.random.between(1, 254);
  }

  private fresh(make: () => string): string {
    for (let attempt = 0; attempt < 10_000; attempt++) {
      const ip = make();
      if (!this.used.has(ip)) {
        this.used.add(ip);
        return ip;
      }
    }
    throw new RangeError(
      "IpAllocator: address space exhausted (asked for more distinct addresses than it holds)",
    );
  }
}
