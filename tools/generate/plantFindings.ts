import { webShellAlert, webShellAlertFromXdr } from "./alertTemplates.js";
import { appPoolAccount } from "./appPoolAccount.js";
import { pickKits } from "./commandKits.js";
import { compileOnFirstRequest } from "./plantUnalerted.js";
import { postCommands } from "./postCommands.js";
import type { ScenarioBuilder } from "./ScenarioBuilder.js";
import type { Client, IisHost } from "./Topology.js";
import { toW3cUserAgent } from "./userAgents.js";

const SECOND = 1000;

function extensionFor(host: IisHost): string {
  return host.sites[0]?.pages.scriptPages.some((p) => p.endsWith(".php")) === true ? ".php" : ".aspx";
}

/**
 * 1. The classic case: the attacker uploads `/uploads/<random>.aspx`, checks it (ASP.NET compiles it: `csc.exe`, a
 * benign child of IIS), and POSTs commands to it several times within ~90 s; the alert arrives hours later. (The
 * original query drops such groups, B1, and anchors on the alert time, B4.)
 */
export function plantClassicShell(s: ScenarioBuilder, host: IisHost): void {
  const t = s.slotTime([host]);
  const attacker = s.attacker(
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:109.0) Gecko/20100101 Firefox/115.0",
  );
  const page = s.shellPage("/uploads/", extensionFor(host));
  s.request(host, t, {
    stem: "/handlers/upload.ashx",
    method: "POST",
    client: attacker,
    timeTaken: s.random.between(300, 900),
  });
  compileOnFirstRequest(s, "classic-upload-shell", host, page, attacker, t + 30 * SECOND);
  const first = t + 150 * SECOND;
  const posts = [first, first + s.random.between(30, 45) * SECOND, first + s.random.between(75, 90) * SECOND];
  const [a, b, c] = pickKits(s.random, 3, 4, attacker.ip);
  const processes = postCommands(
    s,
    host,
    page,
    attacker,
    posts,
    c === undefined ? [a, undefined, b] : [a, b, c],
  );
  s.alert({
    scenario: "classic-upload-shell",
    shape: "defender",
    ...webShellAlert(s.random),
    machine: host.machine,
    account: appPoolAccount(host.appPool),
    processes,
  });
}

/**
 * 2. Defender names the host `web02` (FQDN `web02.contoso.local`), IIS logs `WEB02` (B7). Two attacker addresses
 * use the shell, so each command is attributed to both.
 */
export function plantHostNameCase(s: ScenarioBuilder, host: IisHost): void {
  const t = s.slotTime([host]);
  const first = s.attacker();
  const second = s.attacker("curl/7.88.1");
  const page = s.shellPage("/aspnet_client/", ".aspx");
  s.request(host, t, { stem: page, method: "POST", client: first, timeTaken: s.random.between(200, 600) });
  const [a, b] = pickKits(s.random, 2, 4, first.ip);
  const processes = [
    ...postCommands(s, host, page, first, [t + 50 * SECOND], [a]),
    ...postCommands(s, host, page, second, [t + 70 * SECOND], [b]),
  ];
  s.alert({
    scenario: "host-name-case",
    shape: "defender",
    ...webShellAlert(s.random),
    machine: host.machine,
    account: appPoolAccount(host.appPool),
    processes,
  });
}

/** 3. A host that does not log `s-computername`: only its server address (`s-ip`) ties its rows to the alert. */
export function plantServerIpOnly(s: ScenarioBuilder, host: IisHost): void {
  const t = s.slotTime([host]);
  const attacker = s.attacker();
  const page = s.shellPage("/aspnet_client/system_web/4_0_30319/", extensionFor(host));
  const processes = postCommands(
    s,
    host,
    page,
    attacker,
    [t, t + 40 * SECOND],
    pickKits(s.random, s.random.between(1, 2), 3, attacker.ip),
  );
  s.alert({
    scenario: "no-s-computername",
    shape: "defender",
    ...webShellAlert(s.random),
    machine: host.machine,
    account: appPoolAccount(host.appPool),
    processes,
  });
}

/**
 * 4. Behind a load balancer: `c-ip` is the balancer for everyone, the attacker is the first `X-Forwarded-For`
 * address. This alert is labelled by the XDR connector (only `ProductName` says Defender for Endpoint).
 */
export function plantLoadBalanced(s: ScenarioBuilder, host: IisHost): void {
  const t = s.slotTime([host]);
  const attacker = s.attacker();
  const page = s.shellPage("/portal/uploads/", ".aspx");
  s.request(host, t, { stem: page, client: attacker, via: "10.10.9.5" });
  const processes = postCommands(
    s,
    host,
    page,
    attacker,
    [t + 20 * SECOND, t + 55 * SECOND],
    pickKits(s.random, 2, 4, attacker.ip),
  );
  s.alert({
    scenario: "load-balancer-xff",
    shape: "defender",
    ...webShellAlertFromXdr(s.random),
    machine: host.machine,
    account: appPoolAccount(host.appPool),
    processes,
  });
}

/** 5. One attacker address, two user agents (a browser to look, a script to drive the shell). */
export function plantTwoUserAgents(s: ScenarioBuilder, host: IisHost): void {
  const t = s.slotTime([host]);
  const browser = s.attacker(
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
  );
  const script: Client = { ip: browser.ip, userAgent: toW3cUserAgent("python-requests/2.31.0") };
  const page = s.shellPage("/uploads/", extensionFor(host));
  s.request(host, t, { stem: page, client: browser });
  const processes = postCommands(
    s,
    host,
    page,
    script,
    [t + 40 * SECOND, t + 80 * SECOND],
    pickKits(s.random, 2, 3, browser.ip),
  );
  s.alert({
    scenario: "two-user-agents",
    shape: "defender",
    ...webShellAlert(s.random),
    machine: host.machine,
    account: appPoolAccount(host.appPool),
    processes,
  });
}

/** 6. The shell's path is requested with varying case (`/Uploads/Cmd.ASPX`, `/uploads/cmd.aspx`): one page. */
export function plantPathCase(s: ScenarioBuilder, host: IisHost, round: number): void {
  const t = s.slotTime([host]);
  const attacker = s.attacker();
  let lower = round === 0 ? "/uploads/cmd.aspx" : `/uploads/cmd${round}.aspx`;
  if (!s.claimPage(lower)) lower = s.shellPage("/uploads/cmd", ".aspx");
  const mixed = lower.replace("/uploads/c", "/Uploads/C").replace(".aspx", ".ASPX");
  s.request(host, t, { stem: mixed, client: attacker });
  const [a, b] = pickKits(s.random, 2, 3, attacker.ip);
  const processes = [
    ...postCommands(s, host, lower, attacker, [t + 35 * SECOND], [a]),
    ...postCommands(s, host, mixed, attacker, [t + 70 * SECOND], [b]),
  ];
  s.alert({
    scenario: "path-case",
    shape: "defender",
    ...webShellAlert(s.random),
    machine: host.machine,
    account: appPoolAccount(host.appPool),
    processes,
  });
}
