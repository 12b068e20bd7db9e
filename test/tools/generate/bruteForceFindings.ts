import type { LogFile } from "./readDataSet.js";

/**
 * The precise-mode rule written out the slow, obvious way, independently of the generator: every command of
 * every Defender alert against every IIS row. Used to check that `truth.json` says what the files say.
 */
export function bruteForceFindings(
  alerts: Record<string, unknown>[],
  logs: LogFile[],
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

  const found = new Map<string, { time: number; order: number; finding: Record<string, string> }>();
  for (const alert of alerts) {
    const defender =
      String(alert.ProviderName).toLowerCase() === "mdatp" ||
      [
        "Microsoft Defender Advanced Threat Protection",
        "Microsoft 365 Defender",
        "Microsoft Defender XDR",
        "Microsoft Defender for Endpoint",
      ].includes(String(alert.ProductName));
    if (!defender) continue;
    let entities: unknown;
    try {
      entities = JSON.parse(String(alert.Entities));
    } catch {
      continue;
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
    const hasWorkerFile = all.some((e) => e.Type === "file" && String(e.Name).toLowerCase() === "w3wp.exe");
    const reachesWorker = (p: Record<string, unknown>) => {
      const seen = new Set<unknown>();
      for (let q = resolve(p.ParentProcess); q !== undefined && !seen.has(q); q = resolve(q.ParentProcess)) {
        if (imageOf(q) === "w3wp.exe") return true;
        seen.add(q);
      }
      return false;
    };
    const commands = processes.filter(
      (p) =>
        typeof p.CommandLine === "string" &&
        p.CommandLine !== "" &&
        imageOf(p) !== "w3wp.exe" &&
        (hasParents ? reachesWorker(p) : hasWorkerFile),
    );
    const host = all.find((e) => e.Type === "host");
    const hostName = text(host?.HostName);
    const shortName = (hostName.split(".")[0] ?? "").toLowerCase();
    const addresses = [host?.LastIpAddress].filter((a) => typeof a === "string");

    for (const process of commands) {
      const anchor = Date.parse(String(process.CreationTimeUtc));
      rows.forEach((row, order) => {
        const v = row.values;
        const computer = v["s-computername"];
        if (
          computer !== undefined ? computer.toLowerCase() !== shortName : !addresses.includes(v["s-ip"] ?? "")
        )
          return;
        const logTime = timeOf(v);
        const taken = Number(v["time-taken"] ?? 0);
        if (!(logTime - taken - 60_000 <= anchor && anchor <= logTime + 60_000)) return;
        const stem = v["cs-uri-stem"] ?? "";
        if (!isScriptPage(stem) || (ipsByPage.get(stem.toLowerCase())?.size ?? 0) > 3) return;
        const ip = clientOf(v);
        const key = [alert.SystemAlertId, process.ProcessId, stem.toLowerCase(), ip].join("|");
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
            SystemAlertId: String(alert.SystemAlertId),
            ProcessId: String(process.ProcessId),
            ProcessCommandLine: String(process.CommandLine),
            HostName: shortName,
            ShellLocation: stem.toLowerCase(),
            AttackerIP: ip,
          },
        });
      });
    }
  }
  return [...found.values()].map((f) => f.finding);
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
