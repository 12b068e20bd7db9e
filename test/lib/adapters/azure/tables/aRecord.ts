import { computeRecordId } from "../../../../../lib/core/records/computeRecordId.js";
import type { EnrichmentRecord } from "../../../../../lib/core/records/EnrichmentRecord.js";

const T0 = Date.parse("2026-11-20T10:15:31Z");

/**
 * A precise-mode record in the shape the engine produces for the timeline fixtures (`test/fixtures/timeline/`):
 * `cmd.exe` spawned by `w3wp.exe` on web01, attributed to a POST to /uploads/help.aspx from 203.0.113.77.
 */
export const aRecord: EnrichmentRecord = {
  TimeGenerated: T0 - 1250,
  RecordId: computeRecordId([
    "a2f0c6b1-6d0e-4c5a-9d7e-1f3a5b7c9d11",
    "8",
    T0 - 500,
    "web01",
    "/uploads/help.aspx",
  ]),
  MatchMode: "precise",
  SystemAlertId: "a2f0c6b1-6d0e-4c5a-9d7e-1f3a5b7c9d11",
  AlertName: "Suspicious process launched by a web server",
  AlertTime: T0 + 3 * 3_600_000,
  HostName: "web01",
  DnsDomain: "contoso.local",
  Sites: ["W3SVC1"],
  ShellLocation: "/uploads/help.aspx",
  ShellName: "help.aspx",
  ShellDirectory: "/uploads/",
  ProcessName: "cmd.exe",
  ProcessCommandLine: 'cmd.exe /c "whoami /all & ipconfig /all"',
  ProcessId: "8812",
  ProcessCreationTime: T0 - 500,
  ParentProcessName: "w3wp.exe",
  ProcessSource: "SecurityAlert",
  AttackerIP: "203.0.113.77",
  AttackerUserAgents: ["Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"],
  Attacker: {
    "203.0.113.77": "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
  },
  RequestCount: 1,
  FirstRequestTime: T0 - 1250,
  LastRequestTime: T0,
  PageDistinctIPs: 1,
  Evidence: [
    {
      time: "2026-11-20T10:15:31.000Z",
      method: "POST",
      uriStem: "/uploads/help.aspx",
      uriQuery: "-",
      status: "200",
      clientIP: "203.0.113.77",
      forwardedFor: "",
      userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
      site: "W3SVC1",
      timeTakenMs: 1250,
    },
  ],
  EnrichedAt: T0 + 3 * 3_600_000 + 60_000,
};

/** `count` distinct records (ids spread over all 16 partitions), each a variant of {@link aRecord}. */
export function someRecords(count: number, tag = "run"): EnrichmentRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    ...aRecord,
    RecordId: computeRecordId([tag, i]),
    ProcessId: String(4000 + i),
    ProcessCommandLine: `cmd.exe /c "dir C:\\inetpub\\wwwroot\\uploads & echo ${i}"`,
    RequestCount: 1 + (i % 7),
    TimeGenerated: aRecord.TimeGenerated + i * 1000,
  }));
}

/** A compat-mode record: the columns compat does not produce are `null`. */
export const aCompatRecord: EnrichmentRecord = {
  ...aRecord,
  RecordId: computeRecordId(["compat", aRecord.SystemAlertId]),
  MatchMode: "compat",
  AlertTime: null,
  ProcessSource: "",
  ProcessCreationTime: null,
  RequestCount: null,
  FirstRequestTime: null,
  LastRequestTime: null,
};
