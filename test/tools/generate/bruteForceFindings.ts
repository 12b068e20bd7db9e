import type { LogFile } from "./readDataSet.js";

const WORKER = "w3wp.exe";
const BENIGN = ["conhost.exe", "csc.exe", "vbc.exe", "cvtres.exe", "WerFault.exe"].map((i) =>
  i.toLowerCase(),
);
const MAX_LINKS = 3;

/** A process precise mode reads, from either source. */
interface Process {
  host: string;
  addresses: Set<string>;
  processId: string;
  commandLine: string;
  image: string;
  created: number;
  alert?: { id: string; time: number };
  device: boolean;
}

/**
 * The precise-mode rule written out the slow, obvious way, independently of the generator: every command of
 * every Defender alert, and every web-shell process of the DeviceProcessEvents export when one is given, against
 * every IIS row. Used to check that `truth.json` says what the files say.
 */
export function bruteForceFindings(
  alerts: Record<string, unknown>[],
  logs: LogFile[],
  processEvents?: Record<string, string>[],
): Record<string, string>[] {
  const rows = logs.flatMap((log) => log.rows);
  const timeOf = (v: Record<string, string>) => Date.parse(`${v.date}T${v.time}Z`);
  const clientOf = (v: Record<string, string>) => {
    const xff = v["X-Forwarded-For"];
    return xff !== undefined && xff !== "-" ? (xff.split(",")[0] ?? "").trim() : (v["c-ip"] ?? "");
  };
  const end = rows.reduce((max, r) => Math.max(max, timeOf(r.values)), -Infinity);
  const ipsByPage = new Map<string, Set<string>>();
  for (const row of rows) {
    if (timeOf(row.values) < end - 7 * 86_400_000) continue;
    const page = (row.values["cs-uri-stem"] ?? "").toLowerCase();
    if (!ipsByPage.has(page)) ipsByPage.set(page, new Set());
    ipsByPage.get(page)?.add(clientOf(row.values));
  }

  const processes = new Map<string, Process>();
  const add = (p: Omit<Process, "device" | "alert">, alert: Process["alert"], device: boolean) => {
    const key = [p.host, p.processId, p.created].join("|");
    const known = processes.get(key) ?? { ...p, addresses: new Set<string>(), device: false };
    for (const address of p.addresses) known.addresses.add(address);
    if (alert !== undefined && (known.alert === undefined || alert.time < known.alert.time)) {
      known.alert = alert;
      known.commandLine = p.commandLine;
      known.image = p.image;
    }
    known.device ||= device;
    processes.set(key, known);
  };
  for (const alert of alerts) for (const command of alertCommands(alert)) add(command, command.alert, false);
  for (const row of webShellRows(processEvents ?? [])) {
    const host = (row.DeviceName ?? "").split(".")[0]!.toLowerCase();
    const created = Date.parse(row.ProcessCreationTime ?? "");
    add(
      {
        host,
        addresses: new Set(),
        processId: row.ProcessId ?? "",
        commandLine: row.ProcessCommandLine ?? "",
        image: row.FileName ?? "",
        created,
      },
      undefined,
      true,
    );
  }
  const book = new Map<string, Set<string>>();
  for (const p of processes.values())
    if (p.alert !== undefined)
      for (const a of p.addresses) book.set(p.host, (book.get(p.host) ?? new Set()).add(a));

  const found = new Map<string, { time: number; order: number; finding: Record<string, string> }>();
  for (const p of processes.values()) {
    if (p.alert === undefined && BENIGN.includes(p.image.toLowerCase())) continue;
    const addresses = new Set([...p.addresses, ...(book.get(p.host) ?? [])]);
    rows.forEach((row, order) => {
      const v = row.values;
      const computer = v["s-computername"];
      if (computer !== undefined ? computer.toLowerCase() !== p.host : !addresses.has(v["s-ip"] ?? ""))
        return;
      const logTime = timeOf(v);
      const taken = Number(v["time-taken"] ?? 0);
      if (!(logTime - taken - 60_000 <= p.created && p.created <= logTime + 60_000)) return;
      const stem = v["cs-uri-stem"] ?? "";
      if (!isScriptPage(stem) || (ipsByPage.get(stem.toLowerCase())?.size ?? 0) > 3) return;
      const ip = clientOf(v);
      const key = [p.host, p.processId, p.created, stem.toLowerCase(), ip].join("|");
      const previous = found.get(key);
      if (
        previous !== undefined &&
        (previous.time < logTime || (previous.time === logTime && previous.order < order))
      )
        return;
      found.set(key, {
        time: logTime,
        order,
        finding: {
          SystemAlertId: p.alert?.id ?? "",
          ProcessId: p.processId,
          ProcessCommandLine: p.commandLine,
          HostName: p.host,
          ShellLocation: stem.toLowerCase(),
          AttackerIP: ip,
          ProcessSource: [p.alert && "SecurityAlert", p.device && "DeviceProcessEvents"]
            .filter(Boolean)
            .join(","),
        },
      });
    });
  }
  return [...found.values()].map((f) => f.finding);
}

/** The web-shell commands of one alert, if it is a readable Defender for Endpoint alert. */
function alertCommands(
  alert: Record<string, unknown>,
): (Omit<Process, "device"> & { alert: { id: string; time: number } })[] {
  const defender =
    String(alert.ProviderName).toLowerCase() === "mdatp" ||
    [
      "Microsoft Defender Advanced Threat Protection",
      "Microsoft 365 Defender",
      "Microsoft Defender XDR",
      "Microsoft Defender for Endpoint",
    ].includes(String(alert.ProductName));
  if (!defender) return [];
  let entities: unknown;
  try {
    entities = JSON.parse(String(alert.Entities));
  } catch {
    return [];
  }
  const byId = new Map<string, Record<string, unknown>>();
  const index = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(index);
    else if (typeof value === "object" && value !== null) {
      const object = value as Record<string, unknown>;
      if (typeof object.$id === "string") byId.set(object.$id, object);
      Object.values(object).forEach(index);
    }
  };
  index(entities);
  const resolve = (value: unknown): Record<string, unknown> | undefined => {
    if (typeof value !== "object" || value === null) return undefined;
    const object = value as Record<string, unknown>;
    return typeof object.$ref === "string" ? byId.get(object.$ref) : object;
  };
  const all = [...byId.values()];
  const processes = all.filter((e) => e.Type === "process");
  const text = (value: unknown) => (typeof value === "string" ? value : "");
  const imageOf = (p: Record<string, unknown>) => text(resolve(p.ImageFile)?.Name).toLowerCase();
  const hasParents = processes.some((p) => resolve(p.ParentProcess) !== undefined);
  const hasWorkerFile = all.some((e) => e.Type === "file" && String(e.Name).toLowerCase() === WORKER);
  const reachesWorker = (p: Record<string, unknown>) => {
    const seen = new Set<unknown>();
    for (let q = resolve(p.ParentProcess); q !== undefined && !seen.has(q); q = resolve(q.ParentProcess)) {
      if (imageOf(q) === WORKER) return true;
      seen.add(q);
    }
    return false;
  };
  const host = all.find((e) => e.Type === "host");
  const shortName = (text(host?.HostName).split(".")[0] ?? "").toLowerCase();
  const addresses = new Set([host?.LastIpAddress].filter((a): a is string => typeof a === "string"));
  return processes
    .filter(
      (p) =>
        typeof p.CommandLine === "string" &&
        p.CommandLine !== "" &&
        imageOf(p) !== WORKER &&
        (hasParents ? reachesWorker(p) : hasWorkerFile),
    )
    .map((p) => ({
      host: shortName,
      addresses,
      processId: String(p.ProcessId),
      commandLine: String(p.CommandLine),
      image: imageOf(p),
      created: Date.parse(String(p.CreationTimeUtc)),
      alert: { id: String(alert.SystemAlertId), time: Date.parse(String(alert.TimeGenerated)) },
    }));
}

/**
 * The rows of web-shell processes: process creations of another image than the worker, started by the worker or
 * by one of its children, or by such a process (found by device, id and creation time) at most three links down.
 */
function webShellRows(rows: Record<string, string>[]): Record<string, string>[] {
  const created = rows.filter((row) => row.ActionType === "ProcessCreated");
  const key = (device: string | undefined, id: string | undefined, time: string | undefined) =>
    `${device}|${id}|${Date.parse(time ?? "")}`;
  const byKey = new Map(
    created.map((row) => [key(row.DeviceId, row.ProcessId, row.ProcessCreationTime), row]),
  );
  const links = (row: Record<string, string>, depth = 0): number | undefined => {
    if (depth > 50 || (row.FileName ?? "").toLowerCase() === WORKER) return undefined;
    if (
      [row.InitiatingProcessFileName, row.InitiatingProcessParentFileName].some(
        (f) => f?.toLowerCase() === WORKER,
      )
    )
      return 0;
    const parent = byKey.get(key(row.DeviceId, row.InitiatingProcessId, row.InitiatingProcessCreationTime));
    const above = parent === undefined ? undefined : links(parent, depth + 1);
    return above !== undefined && above < MAX_LINKS ? above + 1 : undefined;
  };
  return created.filter((row) => links(row) !== undefined);
}

/** `has_any` over the script extensions, by hand: the extension, then no letter or digit right after it. */
function isScriptPage(stem: string): boolean {
  const text = stem.toLowerCase();
  return [".php", ".jsp", ".js", ".aspx", ".asmx", ".asax", ".cfm", ".shtml"].some((ext) => {
    for (let at = text.indexOf(ext); at !== -1; at = text.indexOf(ext, at + 1)) {
      if (!/[a-z0-9]/.test(text.charAt(at + ext.length))) return true;
    }
    return false;
  });
}
