/**
 * One request as the generator holds it before writing: the values of every W3C field it can log, already in
 * their logged form (user agent with `+`, `-` for empty). Which fields appear depends on the host's `#Fields`
 * at that time, so a record carries all of them.
 */
export interface W3cRecord {
  /** When IIS wrote the line (the request completed): epoch ms on a whole second. */
  time: number;
  site: string;
  method: string;
  stem: string;
  query: string;
  port: number;
  userName: string;
  /** The address IIS sees (a load balancer's, behind one). */
  cIp: string;
  userAgent: string;
  referer: string;
  csHost: string;
  status: number;
  subStatus: number;
  win32Status: number;
  scBytes: number;
  csBytes: number;
  /** Milliseconds. */
  timeTaken: number;
  /** `X-Forwarded-For` as logged, `-` when the request was not forwarded. */
  xff: string;
}

/**
 * The client address the rarity baseline and the attacker attribution use: the first `X-Forwarded-For` address
 * when that field is logged and set, else `c-ip` (docs/design.md §4.8).
 */
export function clientIpOf(record: W3cRecord, xffLogged: boolean): string {
  if (!xffLogged || record.xff === "-" || record.xff === "") return record.cIp;
  return (record.xff.split(",")[0] ?? "").trim();
}
