import type { MatchMode } from "../model/EngineOptions.js";
import type { ColumnName } from "./columns.js";

/** One matching request kept as evidence on a record (attacker-controlled strings stay plain data). */
export interface EvidenceRequest {
  time: string;
  method: string;
  uriStem: string;
  uriQuery: string;
  status: string;
  clientIP: string;
  forwardedFor: string;
  userAgent: string;
  site: string;
  timeTakenMs: number | null;
}

/**
 * One finding: a command a web shell ran, attributed to the shell page and the attacker. Field names are the
 * output columns (`RECORD_COLUMNS`); datetimes are epoch ms, `null` where the mode does not produce the column
 * (compat mode only has the original query's columns).
 */
export interface EnrichmentRecord {
  TimeGenerated: number;
  RecordId: string;
  MatchMode: MatchMode;
  SystemAlertId: string;
  AlertName: string;
  AlertTime: number | null;
  HostName: string;
  DnsDomain: string;
  Sites: string[];
  ShellLocation: string;
  ShellName: string;
  ShellDirectory: string;
  ProcessName: string;
  ProcessCommandLine: string;
  ProcessId: string;
  ProcessCreationTime: number | null;
  ParentProcessName: string;
  ProcessSource: string;
  AttackerIP: string;
  AttackerUserAgents: string[];
  Attacker: Record<string, string>;
  RequestCount: number | null;
  FirstRequestTime: number | null;
  LastRequestTime: number | null;
  PageDistinctIPs: number;
  Evidence: EvidenceRequest[];
  EnrichedAt: number;
}

// Compile-time guard: the record has exactly the schema's columns, no more, no fewer.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const recordMatchesSchema: Exact<keyof EnrichmentRecord, ColumnName> = true;
