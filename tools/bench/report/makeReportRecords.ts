import { compareRecords } from "../../../lib/core/records/compareRecords.js";
import { computeRecordId } from "../../../lib/core/records/computeRecordId.js";
import type { EnrichmentRecord, EvidenceRequest } from "../../../lib/core/records/EnrichmentRecord.js";
import { webShellAlert } from "../../generate/alertTemplates.js";
import { type CommandKit, pickKits } from "../../generate/commandKits.js";
import { IpAllocator } from "../../generate/IpAllocator.js";
import { Random } from "../../generate/Random.js";
import { ATTACKER_TOOL_USER_AGENTS, toW3cUserAgent } from "../../generate/userAgents.js";

const START = Date.UTC(2026, 10, 20);
const SLACK_MS = 60_000;
const EVIDENCE_CAP = 20;
const SHELL_DIRS = ["/uploads/", "/aspnet_client/", "/portal/uploads/", "/images/", "/app_data/tmp/"];
const SHELL_EXTENSIONS = [".aspx", ".aspx", ".aspx", ".asmx", ".php", ".jsp"];

/**
 * `count` precise-mode records shaped as the engine makes them from a busy incident: web shells on 40 servers,
 * each driven by one to three attackers in sessions of commands (the data generator's command kits, a command
 * interpreter and the program it starts), every command carried by a POST, each record's evidence the attacker's
 * requests whose window holds the process start (docs/design.md §4.5, capped as §4.7). Seeded: the same `seed`
 * gives the same records, in the engine's output order.
 */
export function makeReportRecords(count: number, seed = 1): EnrichmentRecord[] {
  const random = new Random(seed, "report-records");
  const ips = new IpAllocator(random.fork("ips"));
  const records: EnrichmentRecord[] = [];
  let clock = START;
  for (let shell = 0; records.length < count; shell++) {
    clock += random.between(5, 90) * 60_000;
    const host = `web${String(1 + random.int(40)).padStart(2, "0")}`;
    const page = `${random.pick(SHELL_DIRS)}${random.hex(random.between(5, 8))}${random.pick(SHELL_EXTENSIONS)}`;
    const alert = { id: random.guid(), name: webShellAlert(random).alertName };
    const attackers = random.between(1, 3);
    let sessionStart = clock;
    for (let a = 0; a < attackers && records.length < count; a++) {
      const ip = ips.hosting();
      const userAgent = toW3cUserAgent(random.pick(ATTACKER_TOOL_USER_AGENTS));
      const kits = pickKits(random, random.between(2, 6), 12, ip);
      records.push(
        ...session({ random, host, page, alert, ip, userAgent, kits, start: sessionStart, attackers }).slice(
          0,
          count - records.length,
        ),
      );
      sessionStart += random.between(2, 40) * 60_000;
    }
    clock = sessionStart;
  }
  return records.sort(compareRecords);
}

interface Session {
  random: Random;
  host: string;
  page: string;
  alert: { id: string; name: string };
  ip: string;
  userAgent: string;
  kits: readonly CommandKit[];
  start: number;
  attackers: number;
}

/** One attacker's visit: a GET of the shell, then a POST per command kit, each kit's processes during its POST. */
function session(s: Session): EnrichmentRecord[] {
  const requests: EvidenceRequest[] = [request(s, s.start, "GET", 200, s.random.between(80, 400))];
  const processes: { image: string; commandLine: string; parent: string; start: number }[] = [];
  let t = s.start;
  for (const kit of s.kits) {
    t += s.random.between(8, 60) * 1000;
    const taken = s.random.between(300, 6000);
    const started = t - taken + s.random.between(50, Math.max(60, taken - 200));
    processes.push({ image: kit.image, commandLine: kit.commandLine, parent: "w3wp.exe", start: started });
    if (kit.child !== undefined)
      processes.push({ ...kit.child, parent: kit.image, start: started + s.random.between(100, 900) });
    requests.push(request(s, t, "POST", s.random.chance(0.05) ? 500 : 200, taken));
  }
  return processes.map((process, i) => {
    const matching = requests.filter((r) => {
      const end = Date.parse(r.time);
      return end - (r.timeTakenMs ?? 0) - SLACK_MS <= process.start && process.start <= end + SLACK_MS;
    });
    const times = matching.map((r) => Date.parse(r.time));
    const processId = String(1000 + s.random.int(60_000));
    return {
      TimeGenerated: Math.min(...times),
      RecordId: computeRecordId([s.host, processId, process.start, s.page, s.ip, i]),
      MatchMode: "precise",
      SystemAlertId: s.alert.id,
      AlertName: s.alert.name,
      AlertTime: process.start + s.random.between(5, 240) * 60_000,
      HostName: s.host,
      DnsDomain: "contoso.local",
      Sites: ["W3SVC1"],
      ShellLocation: s.page,
      ShellName: s.page.slice(s.page.lastIndexOf("/") + 1),
      ShellDirectory: s.page.slice(0, s.page.lastIndexOf("/") + 1),
      ProcessName: process.image,
      ProcessCommandLine: process.commandLine,
      ProcessId: processId,
      ProcessCreationTime: process.start,
      ParentProcessName: process.parent,
      ProcessSource: "SecurityAlert",
      AttackerIP: s.ip,
      AttackerUserAgents: [s.userAgent],
      Attacker: { [s.ip]: s.userAgent },
      RequestCount: matching.length,
      FirstRequestTime: Math.min(...times),
      LastRequestTime: Math.max(...times),
      PageDistinctIPs: s.attackers,
      Evidence: matching.slice(0, EVIDENCE_CAP),
      EnrichedAt: START + 7 * 86_400_000,
    } satisfies EnrichmentRecord;
  });
}

function request(s: Session, end: number, method: string, status: number, taken: number): EvidenceRequest {
  return {
    time: new Date(end).toISOString(),
    method,
    uriStem: s.page,
    uriQuery: method === "GET" ? "" : `t=${s.random.hex(6)}`,
    status: String(status),
    clientIP: s.ip,
    forwardedFor: "",
    userAgent: s.userAgent,
    site: "W3SVC1",
    timeTakenMs: taken,
  };
}
