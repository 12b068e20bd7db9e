import type { ImageFile, PlannedAlert, PlannedProcess } from "./Plan.js";
import { type EntityNode, type EntityValue, serializeFlat, serializeNested } from "./serializeEntities.js";

/**
 * The alert's `Entities` column: a JSON string in the layout of its shape (see {@link PlannedAlert.shape}), its
 * `$id`s numbered from `firstId`, cut short for the broken-JSON decoy.
 */
export function buildAlertEntities(alert: PlannedAlert, firstId = 2): string {
  const json = JSON.stringify(entitiesOf(alert, firstId));
  return alert.brokenEntities ? json.slice(0, Math.floor(json.length * 0.6)) : json;
}

function entitiesOf(alert: PlannedAlert, firstId: number) {
  switch (alert.shape) {
    case "defender":
      return serializeNested(defenderRoots(alert), firstId);
    case "legacy":
      return serializeFlat(legacyEntities(alert), firstId);
    case "asc":
      return serializeFlat(securityCenterEntities(alert), firstId);
  }
}

const node = (props: Record<string, EntityValue>): EntityNode => ({ props });

/** Every process of the alert with its ancestors, parents before children. */
function withAncestors(alert: PlannedAlert): PlannedProcess[] {
  const all = new Set<PlannedProcess>();
  for (const process of alert.processes) {
    for (let p: PlannedProcess | undefined = process; p !== undefined && !all.has(p); p = p.parent)
      all.add(p);
  }
  return [...all].sort((a, b) => a.created - b.created);
}

function defenderRoots(alert: PlannedAlert): EntityNode[] {
  const files = new Map<ImageFile, EntityNode>();
  const processes = new Map<PlannedProcess, EntityNode>();
  const file = (image: ImageFile): EntityNode => {
    let n = files.get(image);
    if (n === undefined) {
      const hash = (Algorithm: string, Value: string) => node({ Algorithm, Value, Type: "filehash" });
      n = node({
        Directory: image.directory,
        Name: image.name,
        FileHashes: [hash("SHA1", image.sha1), hash("MD5", image.md5), hash("SHA256", image.sha256)],
        CreatedTimeUtc: image.createdText,
        Type: "file",
      });
      files.set(image, n);
    }
    return n;
  };
  const process = (p: PlannedProcess): EntityNode => {
    let n = processes.get(p);
    if (n === undefined) {
      n = node({
        ProcessId: p.processId,
        CommandLine: p.commandLine,
        ElevationToken: alert.account.ntDomain === "IIS APPPOOL" ? "Default" : "Full",
        CreationTimeUtc: p.createdText,
        ImageFile: file(p.image),
        ...(p.parent === undefined ? {} : { ParentProcess: process(p.parent) }),
        CreatedTimeUtc: p.createdText,
        Type: "process",
      });
      processes.set(p, n);
    }
    return n;
  };
  const { machine } = alert;
  const account = node({
    Name: alert.account.name,
    NTDomain: alert.account.ntDomain,
    Sid: alert.account.sid,
    IsDomainJoined: alert.account.ntDomain !== "IIS APPPOOL",
    Asset: true,
    Type: "account",
  });
  const host = node({
    HostName: alert.hostName,
    DnsDomain: machine.dnsDomain,
    OSFamily: "Windows",
    OSVersion: machine.osVersion,
    Type: "host",
    MdatpDeviceId: machine.deviceId,
    FQDN: `${alert.hostName}.${machine.dnsDomain}`,
    RiskScore: "High",
    HealthStatus: "Active",
    LastSeen: new Date(alert.timeGenerated - 1_041_000).toISOString().slice(0, 23) + "7391",
    LastExternalIpAddress: machine.externalIp,
    LastIpAddress: machine.ip,
    AvStatus: "Updated",
    OnboardingStatus: "Onboarded",
    LoggedOnUsers: [],
  });
  const commands = [...alert.processes].sort((a, b) => a.created - b.created).map(process);
  return [account, ...commands, host];
}

function legacyEntities(alert: PlannedAlert): EntityNode[] {
  const files = new Map(
    alert.files.map((f) => [f, node({ Directory: f.directory, Name: f.name, Type: "file" })]),
  );
  const processes = alert.processes.map((p) => {
    const image = files.get(p.image);
    if (image === undefined)
      throw new RangeError(`legacy alert: ${p.image.name} is not among its file entities`);
    return node({
      ProcessId: p.processId,
      CommandLine: p.commandLine,
      CreationTimeUtc: p.createdText,
      ImageFile: image,
      Type: "process",
    });
  });
  const host = node({
    HostName: alert.hostName,
    DnsDomain: alert.machine.dnsDomain,
    NetBiosName: alert.hostName,
    OSFamily: "Windows",
    Type: "host",
  });
  return [...files.values(), ...processes, host];
}

function securityCenterEntities(alert: PlannedAlert): EntityNode[] {
  const { machine } = alert;
  const id = machine.deviceId;
  const guid = (from: number) =>
    `${id.slice(from, from + 8)}-${id.slice(from + 8, from + 12)}-4${id.slice(from + 13, from + 16)}-a${id.slice(from + 17, from + 20)}-${id.slice(from + 20, from + 32)}`;
  const host = node({
    DnsDomain: machine.dnsDomain,
    NTDomain: "",
    HostName: alert.hostName,
    NetBiosName: alert.hostName,
    AzureID: `/subscriptions/${guid(0)}/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/${alert.hostName}`,
    OMSAgentID: guid(4),
    OSFamily: "Windows",
    OSVersion: "Windows",
    IsDomainJoined: true,
    Type: "host",
  });
  const account = node({
    Name: alert.account.name,
    NTDomain: alert.account.ntDomain,
    Host: host,
    Sid: alert.account.sid,
    IsDomainJoined: false,
    Type: "account",
  });
  const chain = withAncestors(alert);
  const files = new Map<ImageFile, EntityNode>();
  for (const p of chain)
    if (!files.has(p.image))
      files.set(p.image, node({ Directory: p.image.directory, Name: p.image.name, Type: "file" }));
  const processes = new Map<PlannedProcess, EntityNode>();
  for (const p of chain) {
    processes.set(
      p,
      node({
        ProcessId: `0x${Number(p.processId).toString(16)}`,
        CommandLine: p.commandLine,
        ElevationToken: "Default",
        CreationTimeUtc: p.createdText,
        ImageFile: files.get(p.image) ?? null,
        Account: account,
        ...(p.parent === undefined ? {} : { ParentProcess: processes.get(p.parent) ?? null }),
        Host: host,
        Type: "process",
      }),
    );
  }
  return [host, account, ...files.values(), ...processes.values()];
}
