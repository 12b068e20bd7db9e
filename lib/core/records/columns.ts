/**
 * The output record's columns: the one list everything else derives from or is tested against (the TypeScript
 * type, JSONL/CSV output, the DCR stream declaration and custom table in `infra/`, the Table Storage mapping and
 * the workbook's queries). Types are Log Analytics column types.
 */
export const RECORD_COLUMNS = [
  {
    name: "TimeGenerated",
    type: "datetime",
    description: "First matching web request (compat: the query's timestamp).",
  },
  {
    name: "RecordId",
    type: "string",
    description: "Deterministic id: the same finding always gets the same id.",
  },
  { name: "MatchMode", type: "string", description: "precise or compat." },
  { name: "SystemAlertId", type: "string", description: "The Defender alert the command came from." },
  { name: "AlertName", type: "string", description: "The alert's name." },
  { name: "AlertTime", type: "datetime", description: "The alert's TimeGenerated." },
  {
    name: "HostName",
    type: "string",
    description: "Short host name in lower case (compat: as the alert spells it).",
  },
  {
    name: "DnsDomain",
    type: "string",
    description: "DNS domain in lower case (compat: as the alert spells it).",
  },
  { name: "Sites", type: "dynamic", description: "IIS site names (sSiteName) of the matching requests." },
  {
    name: "ShellLocation",
    type: "string",
    description: "URL path (csUriStem) of the web shell, lower case (compat: as requested).",
  },
  { name: "ShellName", type: "string", description: "Last segment of ShellLocation." },
  { name: "ShellDirectory", type: "string", description: "ShellLocation up to its last '/'." },
  { name: "ProcessName", type: "string", description: "Image name of the command's process (e.g. cmd.exe)." },
  { name: "ProcessCommandLine", type: "string", description: "The command the web shell ran." },
  { name: "ProcessId", type: "string", description: "Process id as Defender reported it." },
  {
    name: "ProcessCreationTime",
    type: "datetime",
    description: "Process creation time (the correlation anchor).",
  },
  {
    name: "ParentProcessName",
    type: "string",
    description: "Image name of the parent process (e.g. w3wp.exe).",
  },
  {
    name: "ProcessSource",
    type: "string",
    description:
      "What saw the process: SecurityAlert, DeviceProcessEvents, or SecurityAlert,DeviceProcessEvents (compat: empty).",
  },
  {
    name: "AttackerIP",
    type: "string",
    description: "Client address (first X-Forwarded-For address if logged).",
  },
  { name: "AttackerUserAgents", type: "dynamic", description: "Distinct user agents the attacker sent." },
  { name: "Attacker", type: "dynamic", description: "Bag AttackerIP -> user agent, as the original query." },
  { name: "RequestCount", type: "int", description: "Matching requests from this attacker to this page." },
  { name: "FirstRequestTime", type: "datetime", description: "First matching request." },
  { name: "LastRequestTime", type: "datetime", description: "Last matching request." },
  { name: "PageDistinctIPs", type: "int", description: "Distinct client IPs of the page in the baseline." },
  {
    name: "Evidence",
    type: "dynamic",
    description: "The matching requests (capped): time, method, status, query.",
  },
  { name: "EnrichedAt", type: "datetime", description: "When this run produced the record." },
] as const satisfies readonly { name: string; type: ColumnType; description: string }[];

export type ColumnType = "string" | "datetime" | "dynamic" | "int" | "long" | "real" | "bool";

export type ColumnName = (typeof RECORD_COLUMNS)[number]["name"];

export const RECORD_COLUMN_NAMES: readonly ColumnName[] = RECORD_COLUMNS.map((column) => column.name);
