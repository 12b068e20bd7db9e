/**
 * One web request, named after the W3CIISLog columns so that rows from a workspace, a portal export and a native
 * W3C log file are the same thing to the engine. Absent strings are `""` (as Kusto treats empty strings), absent
 * numbers are `undefined`.
 *
 * Times are epoch milliseconds (UTC): the engine compares millions of them and a number is cheaper than a Date.
 */
export interface WebRequest {
  /** When IIS wrote the line, i.e. when the request completed (W3C `date` + `time`, UTC). */
  TimeGenerated: number;
  sSiteName: string;
  sComputerName: string;
  /** Name of the machine the row was collected from (set by the agent, or by `--iis-host` offline). */
  Computer: string;
  _ResourceId: string;
  sIP: string;
  sPort: number | undefined;
  csMethod: string;
  csUriStem: string;
  csUriQuery: string;
  csUserName: string;
  cIP: string;
  /** User agent as logged: IIS writes each space as `+`, and W3CIISLog stores it so (docs/design.md §4.10). */
  csUserAgent: string;
  csReferer: string;
  csHost: string;
  scStatus: string;
  scSubStatus: string;
  scWin32Status: string;
  scBytes: number | undefined;
  csBytes: number | undefined;
  /** Milliseconds the request took (W3C `time-taken`). */
  TimeTaken: number | undefined;
  /**
   * The client address a load balancer forwarded (W3C custom field `X-Forwarded-For` or an export column of that
   * name), as logged: possibly a comma-separated chain, `+` for a space. `""` when not logged.
   */
  XForwardedFor: string;
}

/** A request with every field empty: the base that readers fill in, so no field is ever forgotten. */
export const emptyWebRequest: Readonly<WebRequest> = Object.freeze({
  TimeGenerated: 0,
  sSiteName: "",
  sComputerName: "",
  Computer: "",
  _ResourceId: "",
  sIP: "",
  sPort: undefined,
  csMethod: "",
  csUriStem: "",
  csUriQuery: "",
  csUserName: "",
  cIP: "",
  csUserAgent: "",
  csReferer: "",
  csHost: "",
  scStatus: "",
  scSubStatus: "",
  scWin32Status: "",
  scBytes: undefined,
  csBytes: undefined,
  TimeTaken: undefined,
  XForwardedFor: "",
});

/**
 * A request with every field empty but its time, as a fresh object literal: every request then has the same
 * hidden class, which keeps the readers' field stores and the engine's field loads fast.
 */
export function createWebRequest(time: number): WebRequest {
  return {
    TimeGenerated: time,
    sSiteName: "",
    sComputerName: "",
    Computer: "",
    _ResourceId: "",
    sIP: "",
    sPort: undefined,
    csMethod: "",
    csUriStem: "",
    csUriQuery: "",
    csUserName: "",
    cIP: "",
    csUserAgent: "",
    csReferer: "",
    csHost: "",
    scStatus: "",
    scSubStatus: "",
    scWin32Status: "",
    scBytes: undefined,
    csBytes: undefined,
    TimeTaken: undefined,
    XForwardedFor: "",
  };
}

/** The WebRequest columns that hold text. */
export type TextColumn = {
  [K in keyof WebRequest]: WebRequest[K] extends string ? K : never;
}[keyof WebRequest];

/** The WebRequest columns that hold an optional number. */
export type NumberColumn = {
  [K in keyof WebRequest]: undefined extends WebRequest[K] ? K : never;
}[keyof WebRequest];
