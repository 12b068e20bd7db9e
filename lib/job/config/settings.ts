/**
 * Every app setting the job reads, with its default. `parseConfig` reads exactly these names and nothing else
 * reads the environment; `infra/azuredeploy.json` sets each of them (a test holds the two lists together).
 * Durations are ISO 8601 (`PT15M`, `P7D`); lists are comma-separated.
 */
export const SETTINGS = {
  LOG_ANALYTICS_WORKSPACE_ID: { required: true, description: "Workspace (customer) id the job queries." },
  LOG_ANALYTICS_ENDPOINT: {
    default: "https://api.loganalytics.io/v1",
    description: "Log Analytics query endpoint, including /v1.",
  },
  LOGS_INGESTION_ENDPOINT: { required: true, description: "Data collection endpoint (logs ingestion URL)." },
  LOGS_INGESTION_RULE_ID: {
    required: true,
    description: "Immutable id of the data collection rule (dcr-…).",
  },
  LOGS_INGESTION_STREAM: {
    default: "Custom-WebShellEnrichment_CL",
    description: "DCR stream that feeds WebShellEnrichment_CL.",
  },
  ENRICHMENT_TABLE_ENDPOINT: {
    description: "Table service URL (managed identity). One of this or ENRICHMENT_TABLE_CONNECTION.",
  },
  ENRICHMENT_TABLE_CONNECTION: {
    description: "Table connection string (e.g. UseDevelopmentStorage=true). One of this or the endpoint.",
  },
  ENRICHMENT_TABLE_NAME: {
    default: "WebShellEnrichment",
    description: "Table for records, ledger and watermark.",
  },
  ENRICH_SCHEDULE: {
    default: "0 */15 * * * *",
    description: "NCRONTAB schedule of the timer (bound as %ENRICH_SCHEDULE%).",
  },
  ENRICH_MODE: { default: "precise", description: "precise (defects fixed) or compat (the original query)." },
  ENRICH_FIRST_RUN_LOOKBACK: { default: "P1D", description: "Where the first run starts, before now." },
  ENRICH_OVERLAP: { default: "PT30M", description: "Each run re-reads this much before the watermark." },
  ENRICH_INGESTION_DELAY: {
    default: "PT5M",
    description: "Rows younger than this are left for the next run.",
  },
  ENRICH_SECOND_LOOK: {
    default: "PT2H",
    description:
      "Each window is read once more this long later, for IIS rows that arrive late (PT0S for none).",
  },
  ENRICH_MAX_WINDOW: {
    default: "PT6H",
    description: "Longest alert window one query covers; longer ones split.",
  },
  ENRICH_MAX_REQUEST_DURATION: {
    default: "PT1H",
    description: "Longest request (time-taken) considered to cover a process start.",
  },
  ENRICH_WINDOW_SLACK: { default: "PT1M", description: "Slack around a request's interval when matching." },
  ENRICH_BASELINE_WINDOW: {
    default: "P7D",
    description: "Window of the rarity baseline, up to the window end.",
  },
  ENRICH_BASELINE_SCOPE: { default: "page", description: "Rarity baseline per page, host or site." },
  ENRICH_DISTINCT_IP_THRESHOLD: {
    default: "3",
    description: "A shell page has at most this many client IPs.",
  },
  ENRICH_SCRIPT_EXTENSIONS: {
    default: ".php,.jsp,.js,.aspx,.asmx,.asax,.cfm,.shtml",
    description: "Script page terms (Kusto has_any).",
  },
  ENRICH_WORKER_IMAGES: { default: "w3wp.exe", description: "Web server worker images (case-insensitive)." },
  ENRICH_PROCESS_SOURCES: {
    default: "alerts",
    description: "Where processes come from: alerts, deviceprocessevents (precise), or both.",
  },
  ENRICH_BENIGN_CHILDREN: {
    default: "conhost.exe,csc.exe,vbc.exe,cvtres.exe,WerFault.exe",
    description: "Images IIS starts itself, left out of DeviceProcessEvents (none for no list).",
  },
  ENRICH_ALERT_PROVIDERS: { default: "MDATP", description: "SecurityAlert ProviderName values (=~)." },
  ENRICH_ALERT_PRODUCTS: {
    default:
      "Microsoft Defender Advanced Threat Protection,Microsoft 365 Defender,Microsoft Defender XDR,Microsoft Defender for Endpoint",
    description: "SecurityAlert ProductName values (=~).",
  },
  ENRICH_HTTP_MAX_SPAN: { default: "P7D", description: "Longest from..to the HTTP trigger accepts." },
  ENRICH_TIME_BUDGET: { default: "PT8M", description: "Run time after which no new window starts." },
  ENRICH_HTTP_TIME_BUDGET: {
    default: "PT200S",
    description: "Time an on-demand run may take before it answers; under 230 s.",
  },
  ENRICH_SETTLE: {
    default: "PT30M",
    description: "Age after which a pending record is re-checked and resent.",
  },
} as const satisfies Record<string, { required?: boolean; default?: string; description: string }>;

export type SettingName = keyof typeof SETTINGS;

/**
 * Settings read by libraries rather than by `parseConfig`, which the template must still set:
 * `AZURE_CLIENT_ID` selects the user-assigned identity for `DefaultAzureCredential`.
 */
export const LIBRARY_SETTINGS = ["AZURE_CLIENT_ID"] as const;
