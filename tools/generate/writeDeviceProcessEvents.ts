import { join } from "node:path";

import { stringify } from "csv-stringify/sync";

import { BufferedWriter } from "./BufferedWriter.js";
import type { GenerateOptions } from "./GenerateOptions.js";
import type { DeviceProcess, PlannedProcess, ProcessAccount } from "./Plan.js";
import { ProcessFactory, ticksText } from "./ProcessFactory.js";
import type { Random } from "./Random.js";
import type { Machine, Topology } from "./Topology.js";

/** The file, in the data set's folder. */
export const DEVICE_PROCESS_EVENTS_FILE = "DeviceProcessEvents.csv";

/** The columns an Advanced Hunting CSV export of `DeviceProcessEvents` has (a subset, in its order). */
const COLUMNS = [
  "Timestamp",
  "DeviceId",
  "DeviceName",
  "ActionType",
  "FileName",
  "FolderPath",
  "SHA1",
  "SHA256",
  "MD5",
  "ProcessId",
  "ProcessCommandLine",
  "ProcessIntegrityLevel",
  "ProcessTokenElevation",
  "ProcessCreationTime",
  "AccountDomain",
  "AccountName",
  "AccountSid",
  "InitiatingProcessAccountDomain",
  "InitiatingProcessAccountName",
  "InitiatingProcessSHA1",
  "InitiatingProcessFileName",
  "InitiatingProcessId",
  "InitiatingProcessCommandLine",
  "InitiatingProcessCreationTime",
  "InitiatingProcessFolderPath",
  "InitiatingProcessParentId",
  "InitiatingProcessParentFileName",
  "InitiatingProcessParentCreationTime",
  "ReportId",
] as const;

const SYSTEM: ProcessAccount = { name: "system", ntDomain: "nt authority", sid: "S-1-5-18" };
const MINUTE = 60_000;
const DAY = 86_400_000;

/** What the sensors' routine work looks like: a service starting a program, now and then. */
const ROUTINE: readonly { parent: string; parentLine: string; image: string; commandLine: string }[] = [
  {
    parent: "svchost.exe",
    parentLine: "svchost.exe -k netsvcs -p -s Schedule",
    image: "taskhostw.exe",
    commandLine: "taskhostw.exe",
  },
  {
    parent: "MsMpEng.exe",
    parentLine: '"C:\\ProgramData\\Microsoft\\Windows Defender\\platform\\4.18.24090.11-0\\MsMpEng.exe"',
    image: "MpCmdRun.exe",
    commandLine: "MpCmdRun.exe -IdleTask -TaskName WdCacheMaintenance",
  },
  {
    parent: "svchost.exe",
    parentLine: "C:\\Windows\\system32\\svchost.exe -k DcomLaunch -p",
    image: "WmiPrvSE.exe",
    commandLine: "C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding",
  },
];

/**
 * Writes `DeviceProcessEvents.csv` as Advanced Hunting exports it (time column `Timestamp`, newest first): every
 * process the scenarios ran on an onboarded machine (alerted or not, with their console hosts), and the routine
 * process creations of every machine (scheduled tasks, Defender's own scans, WMI) that a web-shell search must pass
 * over. The service hosts that start the workers and the routine programs are made up per machine. Rows outside
 * the data's days are left out, as an export of that range would.
 *
 * @returns the number of rows written
 */
export function writeDeviceProcessEvents(
  outDir: string,
  random: Random,
  topology: Topology,
  processes: readonly DeviceProcess[],
  options: GenerateOptions,
): number {
  const factory = new ProcessFactory(random.fork("device-processes"));
  const jitter = random.fork("device-event-times");
  const end = options.start + options.days * DAY;
  const machines = [
    ...topology.iisHosts.map((host) => host.machine),
    topology.appServer,
    ...topology.workstations,
  ];
  const roots = new Map(
    machines.map((machine) => [machine.hostName, bootProcesses(factory, machine, options)]),
  );
  const rows: (string | number)[][] = [];
  const add = (machine: Machine, account: ProcessAccount, process: PlannedProcess) => {
    const recorded = process.created + jitter.between(3, 900);
    if (recorded < options.start || recorded >= end) return;
    rows.push(toRow(machine, account, process, recorded, roots.get(machine.hostName)!, jitter));
  };
  for (const { machine, account, process } of processes) add(machine, account, process);
  for (const machine of machines) {
    const boot = roots.get(machine.hostName)!;
    for (
      let t = options.start + jitter.between(1, 40) * MINUTE;
      t < end;
      t += jitter.between(15, 45) * MINUTE
    ) {
      const routine = ROUTINE[jitter.int(ROUTINE.length)]!;
      const parent = boot.services.get(routine.parentLine)!;
      add(
        machine,
        SYSTEM,
        factory.process(routine.image, routine.commandLine, t + jitter.int(60_000), parent),
      );
    }
  }
  // Newest first, as Advanced Hunting lists them: a child before its parent, which the reader must cope with.
  rows.sort((a, b) => (a[0]! < b[0]! ? 1 : a[0]! > b[0]! ? -1 : 0));
  const writer = new BufferedWriter(join(outDir, DEVICE_PROCESS_EVENTS_FILE));
  writer.write(stringify([[...COLUMNS]], { record_delimiter: "\r\n" }));
  for (const row of rows) writer.write(stringify([row], { record_delimiter: "\r\n" }));
  writer.close();
  return rows.length;
}

/** The processes a machine started at boot that the scenarios' roots hang from. */
interface BootProcesses {
  /** `services.exe`. */
  services: Map<string, PlannedProcess>;
  /** Parent of a root process of the plan (`w3wp.exe` under the IIS service host, `explorer.exe` under userinit). */
  parentOf(root: PlannedProcess): PlannedProcess | undefined;
}

function bootProcesses(factory: ProcessFactory, machine: Machine, options: GenerateOptions): BootProcesses {
  const boot = options.start - (2 + (machine.deviceId.charCodeAt(0) % 5)) * DAY;
  const services = factory.process("services.exe", "C:\\Windows\\system32\\services.exe", boot, undefined);
  const hosts = new Map<string, PlannedProcess>();
  for (const routine of ROUTINE) {
    if (!hosts.has(routine.parentLine))
      hosts.set(
        routine.parentLine,
        factory.process(routine.parent, routine.parentLine, boot + 4000, services),
      );
  }
  const iis = factory.process(
    "svchost.exe",
    "C:\\Windows\\system32\\svchost.exe -k iissvcs",
    boot + 9000,
    services,
  );
  const userinit = factory.process(
    "userinit.exe",
    "C:\\Windows\\system32\\userinit.exe",
    boot + 60_000,
    undefined,
  );
  return {
    services: hosts,
    parentOf: (root) =>
      root.image.name === "w3wp.exe" ? iis : root.image.name === "explorer.exe" ? userinit : undefined,
  };
}

function toRow(
  machine: Machine,
  account: ProcessAccount,
  process: PlannedProcess,
  recorded: number,
  boot: BootProcesses,
  random: Random,
): (string | number)[] {
  const parent = process.parent ?? boot.parentOf(process);
  const grandparent = parent === undefined ? undefined : (parent.parent ?? boot.parentOf(parent));
  const { image } = process;
  const row: Record<(typeof COLUMNS)[number], string | number> = {
    Timestamp: ticksText(recorded, random),
    DeviceId: machine.deviceId,
    DeviceName: `${machine.hostName}.${machine.dnsDomain}`,
    ActionType: "ProcessCreated",
    FileName: image.name,
    FolderPath: `${image.directory}\\${image.name}`,
    SHA1: image.sha1,
    SHA256: image.sha256,
    MD5: image.md5,
    ProcessId: process.processId,
    ProcessCommandLine: process.commandLine,
    ProcessIntegrityLevel: account === SYSTEM ? "System" : "High",
    ProcessTokenElevation: "TokenElevationTypeDefault",
    ProcessCreationTime: process.createdText,
    AccountDomain: account.ntDomain.toLowerCase(),
    AccountName: account.name.toLowerCase(),
    AccountSid: account.sid,
    InitiatingProcessAccountDomain: account.ntDomain.toLowerCase(),
    InitiatingProcessAccountName: account.name.toLowerCase(),
    InitiatingProcessSHA1: parent?.image.sha1 ?? "",
    InitiatingProcessFileName: parent?.image.name ?? "",
    InitiatingProcessId: parent?.processId ?? "",
    InitiatingProcessCommandLine: parent?.commandLine ?? "",
    InitiatingProcessCreationTime: parent?.createdText ?? "",
    InitiatingProcessFolderPath:
      parent === undefined ? "" : `${parent.image.directory}\\${parent.image.name}`,
    InitiatingProcessParentId: grandparent?.processId ?? "",
    InitiatingProcessParentFileName: grandparent?.image.name ?? "",
    InitiatingProcessParentCreationTime: grandparent?.createdText ?? "",
    ReportId: 10_000 + random.int(900_000),
  };
  return COLUMNS.map((column) => row[column]);
}
