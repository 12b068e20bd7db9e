import { plantLegacyShell } from "./plantLegacyPair.js";
import type { ScenarioBuilder } from "./ScenarioBuilder.js";
import type { IisHost } from "./Topology.js";

/** Alerts placed in one slot, this far apart: more than a request's reach (time-taken + slack) from each other. */
const PER_SLOT = 3;
const APART_MS = 3.5 * 60_000;
const COMMANDS = ["whoami /all", "hostname", "ver", "ipconfig /all", "net user", "tasklist /v"];

/**
 * `--legacy-alerts n`: n more legacy-shaped alerts, in turn on each of `hosts` (hosts that log `s-computername`,
 * so that the original query can join them), {@link PER_SLOT} to a slot, minutes apart: each one attacker request
 * to a fresh shell page and one command started inside it (see `plantLegacyShell`). Numbered alike, as every
 * alert's entities are, their `cmd.exe` files all share one `$id`: the original query's cross-alert join (B2) pairs
 * each alert's request with every alert's command, n × n rows. Precise mode finds each one once (the worker-file
 * fallback).
 */
export function plantLegacyAlerts(s: ScenarioBuilder, hosts: readonly IisHost[], count: number): void {
  let slot = 0;
  for (let i = 0; i < count; i++) {
    const host = hosts[Math.floor(i / PER_SLOT) % hosts.length]!;
    if (i % PER_SLOT === 0) slot = s.slotTime([host]);
    const stem = s.shellPage(s.random.pick(["/uploads/", "/images/", "/App_Data/"]), ".aspx");
    plantLegacyShell(s, host, slot + (i % PER_SLOT) * APART_MS, s.attacker(), stem, (record) => {
      // As a web shell runs them: in the shell's folder, the output sent to a temporary file to read back. Every
      // command line differs, as they do on real servers (the query's join keeps one row per distinct line).
      const folder = record.stem.slice(1, record.stem.lastIndexOf("/")).replaceAll("/", "\\");
      const command = s.random.pick(COMMANDS);
      return `cmd.exe /c "cd /d C:\\inetpub\\wwwroot\\${folder} & ${command} > C:\\Windows\\Temp\\${s.random.hex(8)}.tmp 2>&1"`;
    });
  }
}
