import { webShellAlert } from "./alertTemplates.js";
import { appPoolAccount } from "./appPoolAccount.js";
import { aspnetCompilation, pickKits } from "./commandKits.js";
import type { PlannedProcess } from "./Plan.js";
import { postCommands } from "./postCommands.js";
import type { ScenarioBuilder } from "./ScenarioBuilder.js";
import type { IisHost } from "./Topology.js";
import type { W3cRecord } from "./W3cRecord.js";

const SECOND = 1000;

/**
 * 8. A session where only one of four commands raised an alert: the attacker POSTs four commands to a fresh shell
 * within about two minutes, the second a discovery chain four processes deep (cmd → powershell → net → net1);
 * Defender alerts on the third only. DeviceProcessEvents holds them all, so precise mode finds the other three
 * (and the chain's descendants) there.
 */
export function plantOneCommandAlerted(s: ScenarioBuilder, host: IisHost): void {
  const scenario = "one-command-alerted";
  const t = s.slotTime([host]);
  const attacker = s.attacker();
  const account = appPoolAccount(host.appPool);
  const page = s.shellPage("/uploads/", ".aspx");
  const [first, alerted, last] = pickKits(s.random, 3, 6, attacker.ip);
  const before = postCommands(s, host, page, attacker, [t], [first]);
  const chain = discoveryChain(s, host, page, attacker, t + s.random.between(35, 45) * SECOND);
  const named = postCommands(s, host, page, attacker, [t + s.random.between(75, 90) * SECOND], [alerted]);
  const after = postCommands(s, host, page, attacker, [t + s.random.between(115, 130) * SECOND], [last]);
  s.alert({
    scenario,
    shape: "defender",
    ...webShellAlert(s.random),
    machine: host.machine,
    account,
    processes: named,
  });
  s.ran(scenario, host.machine, account, [...before, ...chain, ...after]);
}

/**
 * 9. A web shell on a server where nothing alerted (WEB05): the attacker uploads the page through a vulnerable
 * handler, requests it once (ASP.NET compiles it: `csc.exe`, `cvtres.exe`, benign children of IIS), then POSTs
 * commands. Only DeviceProcessEvents sees them.
 */
export function plantNoAlertServer(s: ScenarioBuilder, host: IisHost): void {
  const scenario = "no-alert-server";
  const t = s.slotTime([host]);
  const attacker = s.attacker();
  const page = s.shellPage("/aspnet_client/", ".aspx");
  s.request(host, t, { stem: "/handlers/upload.ashx", method: "POST", client: attacker });
  const compiled = compileOnFirstRequest(s, scenario, host, page, attacker, t + 25 * SECOND);
  const posts = [t + 70 * SECOND, t + 105 * SECOND, t + 140 * SECOND];
  const commands = postCommands(s, host, page, attacker, posts, pickKits(s.random, 3, 5, attacker.ip));
  s.ran(scenario, host.machine, appPoolAccount(host.appPool), [...compiled, ...commands]);
}

/**
 * The first request of a freshly uploaded `.aspx` page, during which ASP.NET compiles it (`csc.exe` and its
 * `cvtres.exe`, recorded by the sensor); returns those processes. A page of another kind is only requested.
 */
export function compileOnFirstRequest(
  s: ScenarioBuilder,
  scenario: string,
  host: IisHost,
  page: string,
  client: Parameters<ScenarioBuilder["request"]>[2]["client"],
  time: number,
): PlannedProcess[] {
  if (!page.endsWith(".aspx")) {
    s.request(host, time, { stem: page, client });
    return [];
  }
  const record = s.request(host, time, { stem: page, client, timeTaken: s.random.between(2500, 4000) });
  const compiled = s.runDuring(record, s.workerOf(host, time), [aspnetCompilation(s.random)]);
  s.ran(scenario, host.machine, appPoolAccount(host.appPool), compiled);
  return compiled;
}

/** A POST whose command starts PowerShell, which runs `net.exe`, which runs `net1.exe`, as Windows does. */
function discoveryChain(
  s: ScenarioBuilder,
  host: IisHost,
  page: string,
  attacker: Parameters<ScenarioBuilder["request"]>[2]["client"],
  time: number,
): PlannedProcess[] {
  const record: W3cRecord = s.request(host, time, {
    stem: page,
    method: "POST",
    client: attacker,
    timeTaken: s.random.between(2500, 4000),
  });
  const start = record.time - record.timeTaken + s.random.between(150, 400);
  const query = `net group 'domain admins' /domain`;
  const cmd = s.processes.process(
    "cmd.exe",
    `cmd.exe /c powershell -nop -c "${query}"`,
    start,
    s.workerOf(host, time),
  );
  const powershell = s.processes.process(
    "powershell.exe",
    `powershell  -nop -c "${query}"`,
    start + s.random.between(250, 400),
    cmd,
  );
  const net = s.processes.process(
    "net.exe",
    `"C:\\Windows\\system32\\net.exe" group "domain admins" /domain`,
    start + s.random.between(800, 1000),
    powershell,
  );
  const net1 = s.processes.process(
    "net1.exe",
    `C:\\Windows\\system32\\net1 group "domain admins" /domain`,
    net.created + s.random.between(20, 60),
    net,
  );
  return [cmd, powershell, net, net1];
}
