/**
 * The `DeviceProcessEvents` columns the engine reads, whatever the row came from (a workspace query, a Log Analytics
 * export, an Advanced Hunting export, whose time column is `Timestamp`). Times are epoch milliseconds (UTC); process
 * ids are decimal text (`long` in the table), `""` when the column is empty.
 */
export interface DeviceProcessRow {
  /** `TimeGenerated`, or `Timestamp` in Advanced Hunting: when the sensor recorded the event. */
  TimeGenerated: number;
  DeviceId: string;
  /** The device's fully qualified name, as Defender writes it (`web01.contoso.local`). */
  DeviceName: string;
  ActionType: string;
  /** The new process's image (`cmd.exe`). */
  FileName: string;
  ProcessId: string;
  ProcessCommandLine: string;
  ProcessCreationTime: number;
  /** The process that started it: its image, id and creation time (what links a row to its parent's row). */
  InitiatingProcessFileName: string;
  InitiatingProcessId: string;
  InitiatingProcessCreationTime: number | undefined;
  /** The initiating process's own parent image (`w3wp.exe` for a command's child). */
  InitiatingProcessParentFileName: string;
  /** Where the row came from, for reports: input name and 1-based line or row number. */
  origin: { source: string; line?: number };
}

/** The `ActionType` of a process creation, as Defender writes it. */
export const PROCESS_CREATED = "ProcessCreated";
