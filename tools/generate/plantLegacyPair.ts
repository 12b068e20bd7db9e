import { webShellAlert } from "./alertTemplates.js";
import { appPoolAccount } from "./appPoolAccount.js";
import type { ScenarioBuilder } from "./ScenarioBuilder.js";
import type { Client, IisHost } from "./Topology.js";
import type { W3cRecord } from "./W3cRecord.js";

const SECOND = 1000;

/**
 * 7. Two legacy-shaped alerts the ORIGINAL query can read, on two hosts a minute or two apart: every entity at
 * the top level (`w3wp.exe` and `cmd.exe` file entities, a process whose `ImageFile` is a `$ref` to the cmd.exe
 * file, a host entity named as IIS logs it) with the same `$id` numbering in both, so the query's `$id` join
 * without `SystemAlertId` (B2) pairs each alert's command with the other's host. Each alert's TimeGenerated is a
 * few seconds before its single shell request is logged, so the query's 30-second bins line up and B1 cannot
 * drop it. Precise mode finds them through the file-entity fallback (no parent links, a `w3wp.exe` file).
 */
export function plantLegacyPair(s: ScenarioBuilder, hosts: readonly [IisHost, IisHost]): void {
  const t = s.slotTime(hosts);
  const attacker = s.attacker();
  let at = t;
  for (const host of hosts) {
    plantLegacyShell(s, host, at, attacker, s.shellPage("/uploads/", ".aspx"), () =>
      s.random.pick(["cmd.exe /c whoami", "cmd.exe /c hostname", "cmd.exe /c ver"]),
    );
    at += s.random.between(60, 150) * SECOND;
  }
}

/**
 * One legacy-shaped web-shell incident at `at` on `host`: a POST to `stem` that runs 6 to 9 s, a `cmd.exe` started
 * inside it with the command line `commandFor` gives, and an alert raised seconds before the request is logged,
 * every entity at the top level, its host named as IIS logs it.
 */
export function plantLegacyShell(
  s: ScenarioBuilder,
  host: IisHost,
  at: number,
  client: Client,
  stem: string,
  commandFor: (record: W3cRecord) => string,
): void {
  const record = s.request(host, at, {
    stem,
    method: "POST",
    client,
    timeTaken: s.random.between(6000, 9000),
  });
  const created = record.time - record.timeTaken + s.random.between(500, 1500);
  const commandLine = commandFor(record);
  // Started by the worker, as the device's sensor records it; the legacy entities do not link the parent.
  const process = s.processes.process("cmd.exe", commandLine, created, s.workerOf(host, at));
  s.alert({
    scenario: "legacy-entities",
    shape: "legacy",
    ...webShellAlert(s.random),
    machine: host.machine,
    hostName: host.computerName,
    account: appPoolAccount(host.appPool),
    processes: [process],
    files: [s.processes.image("w3wp.exe"), s.processes.image("cmd.exe")],
    delayMs: s.random.between(1500, 3000),
  });
}
