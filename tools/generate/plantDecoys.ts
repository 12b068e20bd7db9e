import {
  compilationAlert,
  interactiveCommandAlert,
  securityCenterAlert,
  webShellAlert,
} from "./alertTemplates.js";
import { appPoolAccount } from "./appPoolAccount.js";
import { aspnetCompilation, pickKits } from "./commandKits.js";
import type { ScenarioBuilder } from "./ScenarioBuilder.js";
import type { IisHost, Machine } from "./Topology.js";

const SECOND = 1000;
const ADMIN = {
  name: "adm-jsmith",
  ntDomain: "CONTOSO",
  sid: "S-1-5-21-3623811015-3361044348-30300820-1013",
};

/** w3wp.exe runs csc.exe (ASP.NET compiling a page) while only popular pages are requested. */
export function plantCompilation(s: ScenarioBuilder, host: IisHost): void {
  const t = s.slotTime([host]);
  const popular = host.sites[0]?.pages.scriptPages ?? [];
  const record = s.request(host, t, {
    stem: popular[0] ?? "/",
    client: s.benignClient(),
    timeTaken: s.random.between(6000, 9000),
  });
  for (let i = 1; i <= 3; i++)
    s.request(host, t + i * 7 * SECOND, { stem: s.random.pick(popular), client: s.benignClient() });
  const processes = s.runDuring(record, s.workerOf(host, t), [aspnetCompilation(s.random)]);
  const alert = s.alert({
    scenario: "aspnet-compilation",
    shape: "defender",
    ...compilationAlert(),
    machine: host.machine,
    account: appPoolAccount(host.appPool),
    processes,
  });
  s.decoy({
    scenario: "aspnet-compilation",
    why: "w3wp.exe started csc.exe while only popular pages (more than 3 client IPs) were requested: no rare page in the window",
    SystemAlertId: alert.systemAlertId,
  });
}

/** explorer.exe → cmd.exe on a web server, with a rare page requested seconds before: not a web-shell chain. */
export function plantInteractiveCommand(s: ScenarioBuilder, host: IisHost): void {
  const t = s.slotTime([host]);
  const page = s.shellPage("/downloads/", ".aspx");
  s.request(host, t + 10 * SECOND, { stem: page, client: s.stranger() });
  const explorer = s.processes.process(
    "explorer.exe",
    "C:\\Windows\\Explorer.EXE",
    t - s.random.between(2, 20) * 3_600_000,
    undefined,
  );
  const cmd = s.processes.process(
    "cmd.exe",
    '"C:\\Windows\\system32\\cmd.exe" /c systeminfo & net localgroup administrators',
    t + 20 * SECOND,
    explorer,
  );
  const alert = s.alert({
    scenario: "explorer-cmd",
    shape: "defender",
    ...interactiveCommandAlert(),
    machine: host.machine,
    account: ADMIN,
    processes: [cmd],
  });
  s.decoy({
    scenario: "explorer-cmd",
    why: "cmd.exe was started by explorer.exe (an interactive user), not by w3wp.exe: not a web-shell command, though a rare page was requested 10 s before",
    SystemAlertId: alert.systemAlertId,
    page,
  });
}

/** An Azure Security Center alert with a w3wp chain and a rare page: not a Defender for Endpoint alert. */
export function plantSecurityCenter(s: ScenarioBuilder, host: IisHost): void {
  const t = s.slotTime([host]);
  const attacker = s.attacker();
  const page = s.shellPage("/uploads/", ".aspx");
  const record = s.request(host, t, {
    stem: page,
    method: "POST",
    client: attacker,
    timeTaken: s.random.between(2000, 3000),
  });
  const processes = s.runDuring(record, s.workerOf(host, t), pickKits(s.random, 1, 1, attacker.ip));
  const alert = s.alert({
    scenario: "security-center-alert",
    shape: "asc",
    ...securityCenterAlert(),
    machine: host.machine,
    hostName: host.computerName,
    account: appPoolAccount(host.appPool),
    processes,
    delayMs: s.random.between(5, 30) * 60 * SECOND,
  });
  s.decoy({
    scenario: "security-center-alert",
    why: "ProviderName is Azure Security Center: precise mode reads Defender for Endpoint alerts only (the command it names is found through DeviceProcessEvents)",
    SystemAlertId: alert.systemAlertId,
  });
}

/** A Defender web-shell chain on a host with no IIS logs, while another host serves a rare page. */
export function plantHostWithoutLogs(s: ScenarioBuilder, app: Machine, other: IisHost): void {
  const t = s.slotTime([other]);
  const attacker = s.attacker();
  const page = s.shellPage("/uploads/", ".aspx");
  s.request(other, t + 15 * SECOND, { stem: page, method: "POST", client: attacker });
  const worker = s.processes.worker(app.hostName, "AppPool01", t - s.random.between(3, 20) * 3_600_000);
  const kit = pickKits(s.random, 1, 1, attacker.ip)[0];
  const cmd = s.processes.process("cmd.exe", kit?.commandLine ?? "cmd.exe /c whoami", t + 5 * SECOND, worker);
  const alert = s.alert({
    scenario: "host-without-iis-logs",
    shape: "defender",
    ...webShellAlert(s.random),
    machine: app,
    account: appPoolAccount("AppPool01"),
    processes: [cmd],
  });
  s.decoy({
    scenario: "host-without-iis-logs",
    why: `${app.hostName} has no IIS logs; the rare page requested at the same time is on ${other.machine.hostName} (another name and address)`,
    SystemAlertId: alert.systemAlertId,
    page,
  });
}
