import type { WebRequest } from "./WebRequest.js";

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
