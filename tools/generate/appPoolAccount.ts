import type { PlannedAlert } from "./Plan.js";

/** The account a web shell's commands run as: the application pool identity. */
export function appPoolAccount(appPool: string): PlannedAlert["account"] {
  // Virtual accounts are S-1-5-82 plus a hash of the pool name; any stable value per pool looks the same.
  let hash = 7;
  for (const char of appPool) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return {
    name: appPool,
    ntDomain: "IIS APPPOOL",
    sid: `S-1-5-82-${hash}-1923344012-2204532211-3170183530-${hash % 99991}`,
  };
}
