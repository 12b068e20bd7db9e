/**
 * A row of the original query's `commandKeyedData`: a command line paired with a file entity's name and the host
 * of the file's alert (which, through defect B2, need not be the command's alert).
 */
export interface CompatCommand {
  /** `TimeGenerated` of the file entity's alert row. */
  alertTime: number;
  /** `bin(TimeGenerated, 30s)`. */
  timeKey: number;
  /** The file entity's `Name` (the query's `ImageName`, later output as `ParentProcess`: defect B6). */
  imageName: string;
  commandLine: string;
  hostName: string;
  dnsDomain: string;
}

/** The query's `lookupWindow` and `lookupBin`. */
export const COMPAT_LOOKUP_WINDOW_MS = 60_000;
export const COMPAT_LOOKUP_BIN_MS = COMPAT_LOOKUP_WINDOW_MS / 2;
