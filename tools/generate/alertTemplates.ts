import type { PlannedAlert } from "./Plan.js";
import type { Random } from "./Random.js";

type Template = Pick<
  PlannedAlert,
  | "providerName"
  | "productName"
  | "alertName"
  | "alertType"
  | "severity"
  | "description"
  | "tactics"
  | "techniques"
>;

const MDE = {
  providerName: "MDATP",
  productName: "Microsoft Defender Advanced Threat Protection",
  alertType: "WindowsDefenderAtp",
};

const WEB_SHELL_NAMES = [
  "Possible web shell installation",
  "Suspicious process executed by a web server",
  "Suspicious command launched by IIS worker process",
];

/** A Defender for Endpoint web-shell alert. */
export function webShellAlert(random: Random): Template {
  return {
    ...MDE,
    alertName: random.pick(WEB_SHELL_NAMES),
    severity: random.pick(["High", "Medium"]),
    description:
      "A web server process (w3wp.exe) started a command interpreter. Attackers use web shells to run commands " +
      "on a compromised web server, to escalate privileges and to move laterally.",
    tactics: "Persistence, PrivilegeEscalation",
    techniques: '["T1505","T1505.003","T1059.003"]',
  };
}

/** The same alert as the Microsoft Defender XDR connector may label it: only `ProductName` says Defender. */
export function webShellAlertFromXdr(random: Random): Template {
  return {
    ...webShellAlert(random),
    providerName: "Microsoft 365 Defender",
    productName: "Microsoft Defender for Endpoint",
  };
}

/** ASP.NET compiling a page on first request: looks like w3wp starting a tool, is routine. */
export function compilationAlert(): Template {
  return {
    ...MDE,
    alertName: "Suspicious compilation by web server process",
    severity: "Low",
    description: "The IIS worker process (w3wp.exe) started the C# compiler (csc.exe).",
    tactics: "DefenseEvasion",
    techniques: '["T1027.004"]',
  };
}

/** An interactive command prompt flagged on a server. */
export function interactiveCommandAlert(): Template {
  return {
    ...MDE,
    alertName: "Suspicious command line activity",
    severity: "Medium",
    description: "A command prompt ran discovery commands on the machine.",
    tactics: "Discovery",
    techniques: '["T1082","T1059.003"]',
  };
}

/** The PowerShell test alert every Defender tenant has seen. */
export function powershellAlert(): Template {
  return {
    ...MDE,
    alertName: "Suspicious PowerShell command line",
    severity: "Medium",
    description: "A suspicious PowerShell command line was found on the machine.",
    tactics: "Execution",
    techniques: '["T1059.001"]',
  };
}

/** An Azure Security Center (Defender for Cloud) alert about the same kind of activity. */
export function securityCenterAlert(): Template {
  return {
    providerName: "Azure Security Center",
    productName: "Azure Security Center",
    alertName: "Suspicious process executed by IIS worker process",
    alertType: "VM_SuspiciousWebServerProcess",
    severity: "High",
    description: "Analysis of host data detected a command interpreter started by the IIS worker process.",
    tactics: "Persistence",
    techniques: "",
  };
}
