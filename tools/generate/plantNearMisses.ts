import { powershellAlert, webShellAlert } from "./alertTemplates.js";
import { appPoolAccount } from "./appPoolAccount.js";
import { pickKits } from "./commandKits.js";
import type { ScenarioBuilder } from "./ScenarioBuilder.js";
import type { IisHost, Machine } from "./Topology.js";

const SECOND = 1000;
const ADMIN = { name: "jdoe", ntDomain: "CONTOSO", sid: "S-1-5-21-3623811015-3361044348-30300820-1107" };

/** A web-shell command whose only rare page is requested hours away (near the alert's TimeGenerated, B4). */
export function plantHoursAway(s: ScenarioBuilder, host: IisHost): void {
  const t = s.slotTime([host]);
  const index = s.slots.slotOf(t);
  const attacker = s.attacker();
  const kit = pickKits(s.random, 1, 1, attacker.ip)[0];
  const cmd = s.processes.process(
    "cmd.exe",
    kit?.commandLine ?? "cmd.exe /c whoami",
    t + 30 * SECOND,
    s.workerOf(host, t),
  );
  const later = s.slotTime([host], (i) => Math.abs(i - index) >= 6);
  const page = s.shellPage("/uploads/", ".aspx");
  s.request(host, later, { stem: page, method: "POST", client: attacker });
  const delayMs = later > t ? later - cmd.created - 10 * SECOND : undefined;
  const alert = s.alert({
    scenario: "rare-page-hours-away",
    shape: "defender",
    ...webShellAlert(s.random),
    machine: host.machine,
    account: appPoolAccount(host.appPool),
    processes: [cmd],
    ...(delayMs === undefined ? {} : { delayMs }),
  });
  s.decoy({
    scenario: "rare-page-hours-away",
    why: "the only rare page was requested hours from the command (anchor = process creation time, not the alert's TimeGenerated)",
    SystemAlertId: alert.systemAlertId,
    page,
  });
}

/** A page requested by exactly 4 distinct client IPs around a web-shell command: over the threshold of 3. */
export function plantFourClients(s: ScenarioBuilder, host: IisHost): void {
  const t = s.slotTime([host]);
  const page = s.shellPage("/uploads/", ".aspx");
  const clients = [s.attacker(), s.attacker(), s.attacker(), s.attacker()];
  let processes = [] as ReturnType<typeof s.runDuring>;
  clients.forEach((client, i) => {
    const record = s.request(host, t + i * 10 * SECOND, {
      stem: page,
      method: "POST",
      client,
      timeTaken: s.random.between(2000, 3000),
    });
    if (i === 2)
      processes = s.runDuring(record, s.workerOf(host, record.time), pickKits(s.random, 1, 2, client.ip));
  });
  const alert = s.alert({
    scenario: "four-distinct-ips",
    shape: "defender",
    ...webShellAlert(s.random),
    machine: host.machine,
    account: appPoolAccount(host.appPool),
    processes,
  });
  s.decoy({
    scenario: "four-distinct-ips",
    why: "the page near the command was requested by 4 distinct client IPs, over the threshold of 3",
    SystemAlertId: alert.systemAlertId,
    page,
  });
}

/** A Defender alert whose `Entities` is cut short: the engine must report it as skipped and go on. */
export function plantBrokenEntities(s: ScenarioBuilder, host: IisHost): void {
  const t = s.slotTime([host]);
  const attacker = s.attacker();
  const page = s.shellPage("/uploads/", ".aspx");
  const record = s.request(host, t, {
    stem: page,
    method: "POST",
    client: attacker,
    timeTaken: s.random.between(2000, 3000),
  });
  const processes = s.runDuring(record, s.workerOf(host, t), pickKits(s.random, 1, 2, attacker.ip));
  const alert = s.alert({
    scenario: "broken-entities-json",
    shape: "defender",
    ...webShellAlert(s.random),
    machine: host.machine,
    account: appPoolAccount(host.appPool),
    processes,
    brokenEntities: true,
  });
  s.decoy({
    scenario: "broken-entities-json",
    why: "Entities is not valid JSON (cut short): the alert is reported as skipped, nothing is attributed to it (its commands are found through DeviceProcessEvents)",
    SystemAlertId: alert.systemAlertId,
  });
}

/** A Defender alert on a workstation (explorer → powershell): unrelated to any web server. */
export function plantWorkstationAlert(s: ScenarioBuilder, workstation: Machine, time: number): void {
  const explorer = s.processes.process(
    "explorer.exe",
    "C:\\Windows\\Explorer.EXE",
    time - 5 * 3_600_000,
    undefined,
  );
  const ps = s.processes.process(
    "powershell.exe",
    "powershell.exe  -NoExit -ExecutionPolicy Bypass -WindowStyle Hidden $ErrorActionPreference = 'silentlycontinue';(New-Object System.Net.WebClient).DownloadFile('http://127.0.0.1/1.exe', 'C:\\\\test-MDATP-test\\\\invoice.exe')",
    time,
    explorer,
  );
  const alert = s.alert({
    scenario: "workstation-alert",
    shape: "defender",
    ...powershellAlert(),
    machine: workstation,
    account: { ...ADMIN, name: "jdoe" },
    processes: [ps],
  });
  s.decoy({
    scenario: "workstation-alert",
    why: "a workstation without IIS; no w3wp.exe in the process chain",
    SystemAlertId: alert.systemAlertId,
  });
}
