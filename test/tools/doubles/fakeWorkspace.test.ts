import { LogsQueryClient, LogsQueryResultStatus } from "@azure/monitor-query-logs";
import { describe, expect, it } from "vitest";

import { DEFAULT_ENGINE_OPTIONS } from "../../../lib/core/model/EngineOptions.js";
import {
  ALERT_COLUMNS,
  type AlertQueryParams,
  buildAlertQuery,
} from "../../../lib/job/kql/buildAlertQuery.js";
import { buildIngestedIdsQuery } from "../../../lib/job/kql/buildIngestedIdsQuery.js";
import {
  type BaselineQueryParams,
  buildBaselineQuery,
  buildCandidateRequestsQuery,
  REQUEST_COLUMNS,
  type RequestQueryParams,
} from "../../../lib/job/kql/buildRequestQueries.js";
import type { LogAnalyticsAnswer } from "../../../tools/doubles/encodeLogAnalyticsTable.js";
import {
  createFakeWorkspace,
  type FakeWorkspaceData,
  FakeWorkspaceError,
  type SecurityAlertRow,
  type W3CIISLogRow,
} from "../../../tools/doubles/fakeWorkspace.js";
import { startLogAnalyticsServer } from "../../../tools/doubles/startLogAnalyticsServer.js";
import { staticTokenCredential } from "../../../tools/doubles/staticTokenCredential.js";
import { RULE_TEMPLATE } from "../../infra/infraFiles.js";
import { kqlResultColumns } from "../../support/kusto.js";

const at = (time: string) => Date.parse(`2024-05-01T${time}Z`);
const iso = (time: string) => new Date(at(time)).toISOString();
const span = (from: string, to: string) => `${iso(from)}/${iso(to)}`;
const WHOLE_DAY = span("00:00:00", "23:59:59");

type Row = Record<string, unknown>;
const recordsOf = (answer: LogAnalyticsAnswer): Row[] =>
  answer.rows.map((row) => Object.fromEntries(answer.columns.map((column, i) => [column.name, row[i]])));

function ask(data: FakeWorkspaceData, query: string, timespan: string | undefined = WHOLE_DAY): Row[] {
  return recordsOf(createFakeWorkspace(data)({ query, timespan }));
}

// ---- W3CIISLog: one base request, labelled by its query string; hosts named each way IIS rows can name them.
const REQUEST: W3CIISLogRow = {
  TimeGenerated: iso("10:01:00"),
  sSiteName: "W3SVC1",
  sComputerName: "",
  Computer: "",
  _ResourceId: "",
  sIP: "10.0.0.9",
  sPort: 443,
  csMethod: "POST",
  csUriStem: "/uploads/shell.aspx",
  csUriQuery: "",
  csUserName: "-",
  cIP: "203.0.113.7",
  csUserAgent: "curl/8.4.0",
  csReferer: "",
  csHost: "www.contoso.com",
  scStatus: "200",
  scSubStatus: "0",
  scWin32Status: "0",
  scBytes: 512,
  csBytes: 230,
  TimeTaken: 15,
};
const request = (label: string, time: string, fields: Partial<W3CIISLogRow> = {}): W3CIISLogRow => ({
  ...REQUEST,
  TimeGenerated: iso(time),
  csUriQuery: label,
  ...fields,
});
const WEB01 = { sComputerName: "WEB01" };
const WEB02 = { Computer: "web02.contoso.com" };
const WEB03 = {
  _ResourceId:
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/Web03",
};

const IIS: W3CIISLogRow[] = [
  request("p1", "10:01:00", WEB01),
  request("p2", "10:01:30", { sComputerName: "web01.contoso.com", csUriStem: "/uploads/x.PHP" }),
  request("p3", "10:01:00", { ...WEB01, csUriStem: "/app/data.json" }),
  request("p4", "10:01:00", { ...WEB01, csUriStem: "/app/main.js" }),
  request("p5", "09:59:59", WEB01),
  request("p6", "10:11:00", { ...WEB01, TimeTaken: 60_000 }),
  request("p7", "10:11:01", { ...WEB01, TimeTaken: 600_000 }),
  request("p8", "10:02:50", { ...WEB02, TimeTaken: 60_000 }),
  request("p9", "10:04:00", { ...WEB02, TimeTaken: 600_000 }),
  request("p10", "10:02:30", { ...WEB02, TimeTaken: undefined }),
  request("p11", "10:01:00", { sComputerName: "  ", Computer: "WEB02" }),
  request("p12", "10:00:30", WEB03),
  request("p13", "10:01:00", { sIP: " 10.0.0.4 " }),
  request("p14", "10:01:00", { sComputerName: "web09" }),
  request("p15", "10:01:00", { _ResourceId: "/subscriptions/x/providers/Microsoft.Web/sites/web03" }),
  request("p16", "10:01:00", { sComputerName: "web09", Computer: "web02" }),
  request("p17", "10:01:00", { ...WEB01, csUriStem: "/uploads/shell_aspx" }),
  request("c1", "10:02:00", { ...WEB01, TimeTaken: 45_000 }),
  request("c2", "10:02:30", { ...WEB01, TimeTaken: 45_000 }),
  request("c3", "10:01:00", { sComputerName: "web01" }),
];
const window = (hostKey: string, from: string, to: string) => ({ hostKey, from: at(from), to: at(to) });
const PRECISE: RequestQueryParams = {
  mode: "precise",
  intervals: [
    window("10.0.0.4", "10:00:00", "10:02:00"),
    window("web01", "10:00:00", "10:10:00"),
    window("web02", "10:00:00", "10:02:00"),
    window("web03", "10:00:00", "10:02:00"),
  ],
  scriptExtensions: DEFAULT_ENGINE_OPTIONS.scriptExtensions,
  maxRequestDurationMs: 60_000,
};
const COMPAT: RequestQueryParams = {
  ...PRECISE,
  mode: "compat",
  intervals: [window("WEB01", "10:00:00", "10:02:00")],
};
const labels = (rows: Row[]) => rows.map((row) => row.csUriQuery);
const labelled = (label: string) => IIS.find((row) => row.csUriQuery === label) ?? REQUEST;

describe("createFakeWorkspace: buildCandidateRequestsQuery", () => {
  const candidates = (params: RequestQueryParams, iis = IIS, timespan?: string) =>
    ask({ alerts: [], iis }, buildCandidateRequestsQuery(params), timespan);

  it("precise: script pages (has_any terms, .json is not .js) on each host key, whose [end − capped duration, end] meets the window", () => {
    // p3 .json, p5 before, p7 past the bounds, p9 capped to 1 min ends after web02's window, p10 no duration,
    // p14 and p16 (sComputerName first) on web09, p15 not a VM resource: its address 10.0.0.9 has no window,
    // p17 no extension ("." is not a wildcard).
    expect(labels(candidates(PRECISE))).toEqual([
      "p1",
      "p2",
      "p4",
      "p6",
      "p8",
      "p11",
      "p12",
      "p13",
      "c1",
      "c2",
      "c3",
    ]);
  });

  it("compat: the exact sComputerName, the logged time only, no duration", () => {
    expect(labels(candidates(COMPAT))).toEqual(["p1", "p4", "c1"]);
  });

  it("compat on demand: the range line bounds the rows too, its end exclusive", () => {
    const range = { from: at("10:01:00"), to: at("10:02:00") };
    expect(labels(candidates({ ...COMPAT, range }))).toEqual(["p1", "p4"]);
  });

  it("applies the request's timespan to TimeGenerated, start inclusive and end exclusive", () => {
    const rows = candidates(PRECISE, IIS, span("10:01:00", "10:11:00"));
    expect(labels(rows)).toEqual(["p1", "p2", "p4", "p8", "p11", "p13", "c1", "c2", "c3"]);
  });

  it("returns a row once per interval it meets: the join keeps duplicates", () => {
    const overlapping = {
      ...PRECISE,
      intervals: [window("web01", "10:00:00", "10:01:30"), window("web01", "10:01:00", "10:03:00")],
    };
    expect(labels(candidates(overlapping, [labelled("p1"), labelled("c2")]))).toEqual(["p1", "p1", "c2"]);
  });

  it("reads escaped string literals: a host key with a quote and a backslash matches exactly", () => {
    const odd = 'WEB"\\01';
    const rows = candidates({ ...COMPAT, intervals: [window(odd, "10:00:00", "10:02:00")] }, [
      request("q1", "10:01:00", { sComputerName: odd }),
      request("q2", "10:01:00", { sComputerName: "WEB01" }),
    ]);
    expect(labels(rows)).toEqual(["q1"]);
  });

  it("projects the request columns with their types: datetime as ISO text, absent strings empty, absent numbers null", () => {
    const sparse: W3CIISLogRow = {
      TimeGenerated: iso("10:01:02"),
      sComputerName: "WEB01",
      csUriStem: "/a.aspx",
    };
    const rows = candidates(COMPAT, [labelled("p1"), sparse]);
    expect(rows).toEqual([
      {
        ...REQUEST,
        TimeGenerated: "2024-05-01T10:01:00.000Z",
        csUriQuery: "p1",
        ...WEB01,
        _ItemId: "00000000-0000-4000-8000-000000000000",
      },
      {
        ...Object.fromEntries(REQUEST_COLUMNS.map((column) => [column, ""])),
        _ItemId: "00000000-0000-4000-8000-000000000001",
        TimeGenerated: "2024-05-01T10:01:02.000Z",
        sComputerName: "WEB01",
        csUriStem: "/a.aspx",
        sPort: null,
        scBytes: null,
        csBytes: null,
        TimeTaken: null,
      },
    ]);
    expect(Object.keys(rows[0]!)).toEqual([...REQUEST_COLUMNS]);
  });

  it("gives identical rows an _ItemId each, and keeps a row's own", () => {
    const same = labelled("p1");
    const rows = candidates(COMPAT, [same, same, { ...same, _ItemId: "given" } as W3CIISLogRow]);
    expect(rows.map((row) => row._ItemId)).toEqual([
      "00000000-0000-4000-8000-000000000000",
      "00000000-0000-4000-8000-000000000001",
      "given",
    ]);
  });
});

// ---- The rarity baseline: candidates b1/b2 in web01's window, history h* before it.
const BASELINE_IIS: W3CIISLogRow[] = [
  request("b1", "10:01:00", { ...WEB01, csUriStem: "/uploads/Shell.aspx" }),
  request("b2", "10:01:00", { ...WEB01, csUriStem: "/index.php" }),
  request("h1", "09:30:00", { ...WEB01, cIP: "198.51.100.1" }),
  request("h2", "09:31:00", {
    ...WEB01,
    cIP: "198.51.100.2",
    csUriStem: "/uploads/Shell.aspx",
    sSiteName: "W3SVC2",
  }),
  request("h3", "09:32:00", { ...WEB02, cIP: "198.51.100.3", csUriStem: "/UPLOADS/SHELL.ASPX" }),
  request("h4", "09:33:00", { ...WEB01, cIP: "", csUriStem: "/uploads/Shell.aspx" }),
  request("h5", "09:34:00", {
    ...WEB01,
    cIP: "198.51.100.1",
    csUriStem: "/uploads/Shell.aspx",
    sSiteName: "w3svc1",
  }),
  request("h6", "09:40:00", { ...WEB01, cIP: "198.51.100.11", csUriStem: "/index.php" }),
  request("h7", "09:41:00", { ...WEB01, cIP: "198.51.100.12", csUriStem: "/index.php" }),
  request("h11", "09:00:00", { ...WEB01, cIP: "198.51.100.9" }),
  request("h12", "10:05:00", { ...WEB01, cIP: "198.51.100.8" }),
  request("h13", "09:35:00", { ...WEB01, cIP: "198.51.100.20", csUriStem: "/other.aspx" }),
  request("h14", "08:59:59", { ...WEB01, cIP: "198.51.100.10" }),
];
const BASELINE: BaselineQueryParams = {
  ...PRECISE,
  intervals: [window("web01", "10:00:00", "10:10:00")],
  baselineFrom: at("09:00:00"),
  baselineTo: at("10:05:00"),
  scope: "page",
  cap: 4,
};

describe("createFakeWorkspace: buildBaselineQuery", () => {
  const baseline = (params: BaselineQueryParams) =>
    ask({ alerts: [], iis: BASELINE_IIS }, buildBaselineQuery(params));

  it("precise, page scope: distinct logged clients per lower-case candidate page in [from, to), capped", () => {
    // shell: 203.0.113.7, .1, .2, .3 (web02), .9 (at the start) = 5, capped to 4; h4's empty cIP, h12 (at the
    // end) and h14 (before) are not counted; /other.aspx is not a candidate page.
    expect(baseline(BASELINE)).toEqual([
      { Page: "/uploads/shell.aspx", DistinctClients: 4 },
      { Page: "/index.php", DistinctClients: 3 },
    ]);
  });

  it("precise, host scope: per page and host key", () => {
    expect(baseline({ ...BASELINE, scope: "host", cap: 10 })).toEqual([
      { Page: "/uploads/shell.aspx", HostKey: "web01", DistinctClients: 4 },
      { Page: "/index.php", HostKey: "web01", DistinctClients: 3 },
      { Page: "/uploads/shell.aspx", HostKey: "web02", DistinctClients: 1 },
    ]);
  });

  it("precise, site scope: per page, host key and lower-case site", () => {
    expect(baseline({ ...BASELINE, scope: "site", cap: 10 })).toEqual([
      { Page: "/uploads/shell.aspx", HostKey: "web01", Site: "w3svc1", DistinctClients: 3 },
      { Page: "/index.php", HostKey: "web01", Site: "w3svc1", DistinctClients: 3 },
      { Page: "/uploads/shell.aspx", HostKey: "web01", Site: "w3svc2", DistinctClients: 1 },
      { Page: "/uploads/shell.aspx", HostKey: "web02", Site: "w3svc1", DistinctClients: 1 },
    ]);
  });

  it("compat: the exact page, on any host, an empty client counted as a value (B9)", () => {
    const compat = {
      ...BASELINE,
      mode: "compat" as const,
      intervals: [window("WEB01", "10:00:00", "10:10:00")],
      cap: 10,
    };
    expect(baseline(compat)).toEqual([
      { Page: "/uploads/Shell.aspx", DistinctClients: 4 },
      { Page: "/index.php", DistinctClients: 3 },
      { Page: "/uploads/shell.aspx", DistinctClients: 2 },
    ]);
  });
});

// ---- SecurityAlert: labelled by AlertName.
const entities = (...files: string[]) =>
  JSON.stringify([
    ...files.map((name, i) => ({ $id: String(i + 2), Type: "file", Name: name })),
    { $id: "9", Type: "process", CommandLine: "cmd.exe /c whoami" },
    { $id: "10", Type: "host", HostName: "web01" },
  ]);
const ALERT: SecurityAlertRow = {
  TimeGenerated: iso("10:00:00"),
  SystemAlertId: "a1",
  AlertName: "a1",
  ProviderName: "MDATP",
  ProductName: "Microsoft Defender Advanced Threat Protection",
  StartTime: iso("07:00:00"),
  EndTime: iso("07:00:05"),
  CompromisedEntity: "web01",
  Entities: entities("w3wp.exe", "cmd.exe"),
};
const alert = (name: string, time: string, fields: Partial<SecurityAlertRow> = {}): SecurityAlertRow => ({
  ...ALERT,
  SystemAlertId: name,
  AlertName: name,
  TimeGenerated: iso(time),
  ...fields,
});
const ALERTS: SecurityAlertRow[] = [
  ALERT,
  alert("a1-update", "10:10:00", { SystemAlertId: "a1", Entities: entities("cmd.exe") }),
  alert("a1-late", "10:40:00", { SystemAlertId: "a1" }),
  alert("a2", "10:05:00", { ProviderName: "mdatp" }),
  alert("a3", "10:06:00", { Entities: entities("W3WP.EXE.config") }),
  alert("a4", "10:07:00", { Entities: entities("xw3wp.exe") }),
  alert("a5", "10:08:00", { ProviderName: "MTP", ProductName: "microsoft defender xdr" }),
  alert("a6", "10:09:00", { ProviderName: "Azure Security Center", ProductName: "Azure Security Center" }),
  alert("a7", "10:30:00"),
  alert("a8", "09:00:00", { _ingestionTime: iso("10:20:00") }),
  alert("a9", "10:15:00", { _ingestionTime: iso("10:45:00") }),
];
const ALERT_PARAMS: AlertQueryParams = {
  mode: "precise",
  from: at("10:00:00"),
  to: at("10:30:00"),
  by: "time",
  providers: DEFAULT_ENGINE_OPTIONS.alertProviders,
  products: DEFAULT_ENGINE_OPTIONS.alertProducts,
  workerImages: DEFAULT_ENGINE_OPTIONS.workerImages,
};

describe("createFakeWorkspace: buildAlertQuery", () => {
  const alerts = (params: AlertQueryParams) =>
    ask({ alerts: ALERTS, iis: [] }, buildAlertQuery(params)).map((row) => row.AlertName);

  it("precise by time: provider or product (in~), a worker named in the entities (has_any terms), [from, to)", () => {
    expect(alerts(ALERT_PARAMS)).toEqual(["a1", "a2", "a3", "a5", "a9"]);
  });

  it("precise by ingestion: the window applies to ingestion_time()", () => {
    expect(alerts({ ...ALERT_PARAMS, by: "ingestion" })).toEqual(["a1", "a2", "a3", "a5", "a8"]);
  });

  it("compat: MDATP alerts with a worker, then every row of their SystemAlertIds in the window", () => {
    expect(alerts({ ...ALERT_PARAMS, mode: "compat" })).toEqual(["a1", "a1-update", "a2", "a3", "a9"]);
  });

  it("projects the alert columns with their types", () => {
    const [row] = ask({ alerts: [ALERT], iis: [] }, buildAlertQuery(ALERT_PARAMS));
    expect(Object.keys(row!)).toEqual([...ALERT_COLUMNS]);
    expect(row).toMatchObject({
      TimeGenerated: "2024-05-01T10:00:00.000Z",
      StartTime: "2024-05-01T07:00:00.000Z",
      Entities: ALERT.Entities,
    });
  });
});

/** Custom table rows as the ingestion double keeps them: received at `time`, each its own `_ItemId`. */
const received = (rows: [string, Row][]) =>
  rows.map(([time, row], i) => ({ row, receivedAt: at(time), itemId: `item-${i}` }));

describe("createFakeWorkspace: buildIngestedIdsQuery", () => {
  it("returns each listed RecordId the custom table holds once per alert and sources, within the timespan", () => {
    const copy = (time: string, RecordId: string, SystemAlertId: string, ProcessSource: string) => ({
      TimeGenerated: iso(time),
      RecordId,
      SystemAlertId,
      ProcessSource,
      RequestCount: 2,
    });
    const customTable = () =>
      received([
        ["10:01:00", copy("10:01:00", "r1", "", "DeviceProcessEvents")],
        ["10:02:00", copy("10:02:00", "r2", "a2", "SecurityAlert")],
        ["10:03:00", copy("10:03:00", "r1", "", "DeviceProcessEvents")],
        ["10:04:00", copy("10:03:00", "r1", "a1", "SecurityAlert,DeviceProcessEvents")],
        ["10:03:00", copy("08:00:00", "r3", "a3", "SecurityAlert")],
      ]);
    const query = buildIngestedIdsQuery("WebShellEnrichment_CL", ["r1", "r3", "r4"]);
    expect(ask({ alerts: [], iis: [], customTable }, query, span("09:00:00", "11:00:00"))).toEqual([
      { RecordId: "r1", SystemAlertId: "", ProcessSource: "DeviceProcessEvents", RequestCount: 2 },
      {
        RecordId: "r1",
        SystemAlertId: "a1",
        ProcessSource: "SecurityAlert,DeviceProcessEvents",
        RequestCount: 2,
      },
    ]);
    expect(ask({ alerts: [], iis: [] }, query)).toEqual([]);
  });

  it("shows a row only once the ingestion latency has passed since the service received it", () => {
    const row = {
      TimeGenerated: iso("09:00:00"),
      RecordId: "r1",
      SystemAlertId: "a1",
      ProcessSource: "SecurityAlert",
      RequestCount: 1,
    };
    const customTable = () => received([["10:00:00", row]]);
    const query = buildIngestedIdsQuery("WebShellEnrichment_CL", ["r1"]);
    const askAt = (time: string) =>
      ask({ alerts: [], iis: [], customTable, ingestionLatencyMs: 20 * 60_000, now: () => at(time) }, query);
    expect(askAt("10:19:59")).toEqual([]);
    expect(askAt("10:20:00")).toEqual([
      { RecordId: "r1", SystemAlertId: "a1", ProcessSource: "SecurityAlert", RequestCount: 1 },
    ]);
  });
});

describe("createFakeWorkspace: the analytics rule's query", () => {
  const RULE = (RULE_TEMPLATE.resources?.[0]?.properties as { query: string }).query;
  const record = (id: string, enrichedAt: string) => ({
    TimeGenerated: iso("09:00:00"),
    RecordId: id,
    HostName: "web01",
    AttackerUserAgents: ["curl/8.4.0", "python-requests/2.32"],
    EnrichedAt: iso(enrichedAt),
  });
  const customTable = () =>
    received([
      ["10:01:00", record("r1", "10:00:00")],
      ["10:10:00", record("r2", "10:09:00")],
      ["13:00:00", record("r1", "12:59:00")],
    ]);
  const alertsAt = (time: string, latency = 0, alerts: SecurityAlertRow[] = []) =>
    ask({ alerts, iis: [], customTable, ingestionLatencyMs: latency, now: () => at(time) }, RULE);
  // The rule's own alert for a record, as Sentinel writes it to SecurityAlert.
  const raised = (recordId: string, time: string): SecurityAlertRow => ({
    TimeGenerated: iso(time),
    SystemAlertId: `sentinel-${recordId}`,
    AlertName: "Web shell command on web01",
    ProviderName: "ASI Scheduled Alerts",
    ExtendedProperties: JSON.stringify({ "Custom Details": JSON.stringify({ RecordId: [recordId] }) }),
  });

  it("raises a record whose first ingestion is 5 minutes to six hours old, showing its latest copy", () => {
    expect(alertsAt("10:05:59").map((row) => row.RecordId)).toEqual([]);
    expect(alertsAt("10:06:00").map((row) => row.RecordId)).toEqual(["r1"]);
    expect(alertsAt("10:15:00").map((row) => row.RecordId)).toEqual(["r1", "r2"]);
    expect(alertsAt("16:01:00").map((row) => row.RecordId)).toEqual(["r2"]);
    expect(alertsAt("16:10:00")).toEqual([]);
    expect(alertsAt("10:15:00")[0]).toMatchObject({
      RecordId: "r1",
      HostName: "web01",
      UserAgents: '["curl/8.4.0","python-requests/2.32"]',
    });
  });

  it("does not raise a record its own alert in SecurityAlert names, and reads only its own alerts", () => {
    const other = { ...raised("r2", "10:08:00"), AlertName: "Another rule's alert" };
    const defender = { ...raised("r2", "10:08:00"), ProviderName: "MDATP" };
    const broken = { ...raised("r2", "10:08:00"), ExtendedProperties: "{not json" };
    expect(alertsAt("10:15:00", 0, [raised("r1", "10:08:00")]).map((row) => row.RecordId)).toEqual(["r2"]);
    expect(alertsAt("10:15:00", 0, [other, defender, broken]).map((row) => row.RecordId)).toEqual([
      "r1",
      "r2",
    ]);
    // An alert older than the day the rule reads back no longer counts (the look-back at first ingestion does).
    const dayOld = { ...raised("r1", "10:00:00"), TimeGenerated: "2024-04-30T10:00:00.000Z" };
    expect(alertsAt("10:15:00", 0, [dayOld]).map((row) => row.RecordId)).toEqual(["r1", "r2"]);
  });

  it("counts a row from when it is queryable: ingested late, a later execution raises it", () => {
    expect(alertsAt("10:15:00", 10 * 60_000).map((row) => row.RecordId)).toEqual([]);
    expect(alertsAt("10:30:00", 10 * 60_000).map((row) => row.RecordId)).toEqual(["r1", "r2"]);
  });

  it("answers the columns the Kusto language service infers", () => {
    const answer = createFakeWorkspace({ alerts: [], iis: [] })({ query: RULE, timespan: WHOLE_DAY });
    expect(answer.columns).toEqual(
      kqlResultColumns(RULE, { tables: ["WebShellEnrichment_CL", "SecurityAlert"] }),
    );
  });

  it.each([
    ["a slice by TimeGenerated", RULE.replace("FirstIngested > ago(6h)", "TimeGenerated > ago(6h)")],
    ["no check of its own alerts", RULE.replace("| where RecordId !in (alerted)", "| where RecordId != ''")],
    ["no first ingestion", RULE.replace("FirstIngested = min(ingestion_time()), ", "")],
    ["a line added", `${RULE}\n| take 1`],
  ])("refuses a rule with %s", (_, query) => {
    expect(() => ask({ alerts: [], iis: [], customTable }, query)).toThrow(FakeWorkspaceError);
  });
});

describe("createFakeWorkspace: what it refuses", () => {
  const data = { alerts: ALERTS, iis: IIS };
  const candidateQuery = buildCandidateRequestsQuery(PRECISE);

  it.each([
    ["an unknown query", "SecurityAlert | take 10"],
    ["a builder's query with a line added", `${candidateQuery}\n| take 5`],
    ["a builder's query with an operator changed", candidateQuery.replace("has_any", "has")],
    ["a precise host key cut short", candidateQuery.replace(/\n\| extend HostKey = iff.*/, "")],
    ["an unknown custom table", buildIngestedIdsQuery("Other_CL", ["r1"])],
  ])("throws on %s", (_, query) => {
    expect(() => ask(data, query)).toThrow(FakeWorkspaceError);
  });

  it("throws on a timespan that is not a start/end interval", () => {
    expect(() => ask(data, candidateQuery, "PT1H")).toThrow(/timespan/);
  });

  it("throws on a data set row with a key that is not a column of its table", () => {
    const typo = { ...labelled("p1"), sComputername: "WEB01" };
    expect(() => ask({ alerts: [], iis: [typo] }, candidateQuery)).toThrow(
      /sComputername is not a W3CIISLog column/,
    );
  });
});

describe("createFakeWorkspace: columns", () => {
  it.each([
    ["alerts, precise", buildAlertQuery(ALERT_PARAMS)],
    ["alerts, compat by ingestion", buildAlertQuery({ ...ALERT_PARAMS, mode: "compat", by: "ingestion" })],
    ["candidates, precise", buildCandidateRequestsQuery(PRECISE)],
    ["baseline, site scope", buildBaselineQuery({ ...BASELINE, scope: "site" })],
    ["baseline, compat", buildBaselineQuery({ ...BASELINE, mode: "compat" })],
    ["ingested ids", buildIngestedIdsQuery("WebShellEnrichment_CL", ["r1"])],
  ])("answers %s with the columns and types the Kusto language service infers", (_, query) => {
    const answer = createFakeWorkspace({ alerts: [], iis: [] })({ query, timespan: WHOLE_DAY });
    expect(answer.columns).toEqual(kqlResultColumns(query));
  });
});

describe("createFakeWorkspace behind startLogAnalyticsServer and LogsQueryClient", () => {
  it("round-trips the same rows, datetimes as Date, and a query it does not know as a 400", async () => {
    const data = { alerts: ALERTS, iis: IIS };
    const server = await startLogAnalyticsServer({ answer: createFakeWorkspace(data) });
    try {
      const client = new LogsQueryClient(staticTokenCredential(), {
        ...server.clientOptions,
        retryOptions: { maxRetries: 0 },
      });
      const range = { startTime: new Date(at("00:00:00")), endTime: new Date(at("23:59:59")) };
      for (const query of [buildCandidateRequestsQuery(PRECISE), buildAlertQuery(ALERT_PARAMS)]) {
        const direct = createFakeWorkspace(data)({ query, timespan: WHOLE_DAY });
        const result = await client.queryWorkspace("workspace", query, range);
        expect(result.status).toBe(LogsQueryResultStatus.Success);
        if (result.status !== LogsQueryResultStatus.Success) return;
        const types = direct.columns.map((column) => column.type);
        const expected = direct.rows.map((row) =>
          row.map((cell, i) => (types[i] === "datetime" && typeof cell === "string" ? new Date(cell) : cell)),
        );
        expect(result.tables[0]?.rows).toEqual(expected);
        expect(expected.length).toBeGreaterThan(0);
      }
      await expect(client.queryWorkspace("workspace", "W3CIISLog | take 1", range)).rejects.toMatchObject({
        statusCode: 400,
        details: { error: { innererror: { code: "SemanticError" } } },
      });
    } finally {
      await server.close();
    }
  });
});
