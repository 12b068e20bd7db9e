import { ALERT_COLUMNS } from "../../../lib/job/kql/buildAlertQuery.js";
import { REQUEST_COLUMNS } from "../../../lib/job/kql/buildRequestQueries.js";
import type { LogAnalyticsAnswer, LogAnalyticsColumn } from "../../doubles/encodeLogAnalyticsTable.js";
import type { LogAnalyticsQueryRequest } from "../../doubles/LogAnalyticsQueryRequest.js";

/** The size of the load: alerts, hosts, and candidate IIS rows per alert (all inside the alert's host window). */
export interface LoadShape {
  alerts: number;
  hosts: number;
  rowsPerAlert: number;
  /** Start of the day the alerts' processes ran in (epoch ms). */
  start: number;
}

/** The service's limit on rows in one answer; the double answers a partial result past it, as the service does. */
export const SERVICE_ROW_LIMIT = 500_000;

const DAY_MS = 86_400_000;
const REQUEST_TYPES: Readonly<Record<string, string>> = {
  TimeGenerated: "datetime",
  sPort: "int",
  scBytes: "long",
  csBytes: "long",
  TimeTaken: "long",
};
const REQUEST_ANSWER_COLUMNS: LogAnalyticsColumn[] = REQUEST_COLUMNS.map((name) => ({
  name,
  type: REQUEST_TYPES[name] ?? "string",
}));
const ALERT_ANSWER_COLUMNS: LogAnalyticsColumn[] = ALERT_COLUMNS.map((name) => ({
  name,
  type: ["TimeGenerated", "StartTime", "EndTime"].includes(name) ? "datetime" : "string",
}));

/** When alert `i`'s command ran: spread evenly over the day. */
export function processTime(shape: LoadShape, i: number): number {
  return shape.start + Math.floor((i * DAY_MS) / shape.alerts);
}

const hostOf = (shape: LoadShape, i: number) => `web${String(i % shape.hosts).padStart(3, "0")}`;

/** The SecurityAlert rows: one Defender alert per command, cmd.exe spawned by w3wp.exe on the alert's host. */
export function makeAlertRows(shape: LoadShape): unknown[][] {
  const rows: unknown[][] = [];
  for (let i = 0; i < shape.alerts; i += 1) {
    const created = new Date(processTime(shape, i)).toISOString();
    const entities = [
      { $id: "1", HostName: hostOf(shape, i), DnsDomain: "contoso.local", Type: "host" },
      {
        $id: "2",
        ProcessId: "4816",
        CommandLine: 'c:\\windows\\system32\\inetsrv\\w3wp.exe -ap "DefaultAppPool"',
        CreationTimeUtc: new Date(shape.start - DAY_MS).toISOString(),
        ImageFile: { $id: "3", Name: "w3wp.exe", Directory: "C:\\Windows\\System32\\inetsrv", Type: "file" },
        Type: "process",
      },
      {
        $id: "4",
        ProcessId: String(7000 + (i % 1000)),
        CommandLine: `cmd.exe /c "whoami /all & echo ${i}"`,
        CreationTimeUtc: created,
        ImageFile: { $id: "5", Name: "cmd.exe", Directory: "C:\\Windows\\System32", Type: "file" },
        ParentProcess: { $ref: "2" },
        Type: "process",
      },
    ];
    const alertTime = new Date(processTime(shape, i) + 3_600_000);
    const row: Record<string, unknown> = {
      TimeGenerated: alertTime,
      SystemAlertId: `load-${String(i).padStart(6, "0")}`,
      AlertName: "Suspicious process launched by a web server",
      ProviderName: "MDATP",
      ProductName: "Microsoft Defender for Endpoint",
      StartTime: new Date(created),
      EndTime: new Date(created),
      CompromisedEntity: hostOf(shape, i),
      Entities: JSON.stringify(entities),
    };
    rows.push(ALERT_COLUMNS.map((column) => row[column]));
  }
  return rows;
}

/**
 * The W3CIISLog rows, `rowsPerAlert` per alert, all within ±50 s of its command on its host and on script pages,
 * so every one is a candidate: one POST of the attacker to a shell page only it requests, the others benign GETs
 * to pages many clients request. Grouped by host and sorted by time, for answering interval queries.
 */
export function makeRequestRows(shape: LoadShape): Map<string, unknown[][]> {
  const byHost = new Map<string, unknown[][]>();
  for (let i = 0; i < shape.alerts; i += 1) {
    const host = hostOf(shape, i);
    const anchor = processTime(shape, i);
    const rows = byHost.get(host) ?? [];
    byHost.set(host, rows);
    for (let k = 0; k < shape.rowsPerAlert; k += 1) {
      const attacker = k === 0;
      const offset = Math.floor(((k + 1) * 100_000) / (shape.rowsPerAlert + 1)) - 50_000;
      const row: Record<string, unknown> = {
        TimeGenerated: new Date(anchor + (attacker ? 1_000 : offset)),
        sSiteName: "W3SVC1",
        sComputerName: host.toUpperCase(),
        Computer: `${host}.contoso.local`,
        _ResourceId: "",
        sIP: "10.1.0.11",
        sPort: 443,
        csMethod: attacker ? "POST" : "GET",
        csUriStem: attacker ? `/uploads/s${i}.aspx` : `/app/page${k % 40}.aspx`,
        csUriQuery: attacker ? "cmd=whoami" : `id=${k}`,
        csUserName: "",
        cIP: attacker ? `203.0.113.${i % 250}` : `198.51.${100 + (k % 50)}.${(i + k) % 250}`,
        csUserAgent: attacker ? "python-requests/2.32.3" : "Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
        csReferer: "",
        csHost: "www.contoso.com",
        scStatus: "200",
        scSubStatus: "0",
        scWin32Status: "0",
        scBytes: 1024,
        csBytes: 300,
        TimeTaken: 15,
        // Unique per row, as the workspace assigns it: the job tells rows apart by it.
        _ItemId: `00000000-0000-4000-8000-${(i * shape.rowsPerAlert + k).toString(16).padStart(12, "0")}`,
      };
      rows.push(REQUEST_COLUMNS.map((column) => row[column]));
    }
  }
  for (const rows of byHost.values())
    rows.sort((a, b) => (a[0] as Date).getTime() - (b[0] as Date).getTime());
  return byHost;
}

const STEM = REQUEST_COLUMNS.indexOf("csUriStem");
const INTERVAL_LINE = /^\s+"([^"\\]*)", datetime\(([^)]+)\), datetime\(([^)]+)\),$/;

/** The host windows a candidate or baseline query carries in its `datatable`. */
function intervalsOf(query: string): { host: string; from: number; to: number }[] {
  return query.split("\n").flatMap((line) => {
    const match = INTERVAL_LINE.exec(line);
    return match === null
      ? []
      : [{ host: match[1]!, from: Date.parse(match[2]!), to: Date.parse(match[3]!) }];
  });
}

/** The rows of `byHost` inside the query's windows, found by binary search. */
export function rowsIn(byHost: Map<string, unknown[][]>, query: string): unknown[][] {
  const out: unknown[][] = [];
  for (const { host, from, to } of intervalsOf(query)) {
    const rows = byHost.get(host) ?? [];
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((rows[mid]![0] as Date).getTime() < from) lo = mid + 1;
      else hi = mid;
    }
    for (let at = lo; at < rows.length && (rows[at]![0] as Date).getTime() <= to; at += 1)
      out.push(rows[at]!);
  }
  return out;
}

/**
 * Answers the app's queries over the load data, the way the workspace would: the alerts, the candidate rows of
 * the windows a query names, the baseline of their pages (shell pages have one client, the others more than the
 * threshold), and no ingested ids. `onRows` sees how many rows each candidate query returned.
 */
export function answerLoadQuery(
  alerts: unknown[][],
  byHost: Map<string, unknown[][]>,
  onRows: (rows: number) => void,
): (request: LogAnalyticsQueryRequest) => LogAnalyticsAnswer {
  return (request) => {
    const { query } = request;
    if (query.startsWith("SecurityAlert")) return { columns: ALERT_ANSWER_COLUMNS, rows: alerts };
    if (query.startsWith("let intervals") && !query.includes("let candidatePages")) {
      const rows = rowsIn(byHost, query);
      onRows(rows.length);
      return { columns: REQUEST_ANSWER_COLUMNS, rows };
    }
    if (query.includes("let candidatePages")) {
      const pages = new Set(rowsIn(byHost, query).map((row) => String(row[STEM]).toLowerCase()));
      return {
        columns: [
          { name: "Page", type: "string" },
          { name: "DistinctClients", type: "long" },
        ],
        rows: [...pages].map((page) => [page, page.startsWith("/uploads/") ? 1 : 4]),
      };
    }
    return { columns: [{ name: "RecordId", type: "string" }], rows: [] };
  };
}
