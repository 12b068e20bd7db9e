import type { NumberColumn, TextColumn, WebRequest } from "../../core/model/WebRequest.js";

/** What one W3C field becomes in a {@link WebRequest}. */
export type W3cField =
  | { kind: "date" }
  | { kind: "time" }
  | { kind: "text"; column: TextColumn; set: (request: WebRequest, value: string) => void }
  | { kind: "number"; column: NumberColumn; set: (request: WebRequest, value: number | undefined) => void };

// One store function per column, each written out: a store whose property name is fixed in the code stays fast,
// where `request[column] = value` with a changing `column` would make V8 look the name up on every row.
type Setter<T> = (request: WebRequest, value: T) => void;
const text = (column: TextColumn, set: Setter<string>): W3cField => ({ kind: "text", column, set });
const number = (column: NumberColumn, set: Setter<number | undefined>): W3cField => ({
  kind: "number",
  column,
  set,
});

const xForwardedFor = text("XForwardedFor", (r, v) => void (r.XForwardedFor = v));

// Keys in lower case: W3C field names are case-insensitive in practice (custom fields keep the case the admin typed).
const FIELDS: ReadonlyMap<string, W3cField> = new Map([
  ["date", { kind: "date" }],
  ["time", { kind: "time" }],
  ["s-sitename", text("sSiteName", (r, v) => void (r.sSiteName = v))],
  ["s-computername", text("sComputerName", (r, v) => void (r.sComputerName = v))],
  ["s-ip", text("sIP", (r, v) => void (r.sIP = v))],
  ["cs-method", text("csMethod", (r, v) => void (r.csMethod = v))],
  ["cs-uri-stem", text("csUriStem", (r, v) => void (r.csUriStem = v))],
  ["cs-uri-query", text("csUriQuery", (r, v) => void (r.csUriQuery = v))],
  ["s-port", number("sPort", (r, v) => void (r.sPort = v))],
  ["cs-username", text("csUserName", (r, v) => void (r.csUserName = v))],
  ["c-ip", text("cIP", (r, v) => void (r.cIP = v))],
  ["cs(user-agent)", text("csUserAgent", (r, v) => void (r.csUserAgent = v))],
  ["cs(referer)", text("csReferer", (r, v) => void (r.csReferer = v))],
  ["cs-host", text("csHost", (r, v) => void (r.csHost = v))],
  ["sc-status", text("scStatus", (r, v) => void (r.scStatus = v))],
  ["sc-substatus", text("scSubStatus", (r, v) => void (r.scSubStatus = v))],
  ["sc-win32-status", text("scWin32Status", (r, v) => void (r.scWin32Status = v))],
  ["sc-bytes", number("scBytes", (r, v) => void (r.scBytes = v))],
  ["cs-bytes", number("csBytes", (r, v) => void (r.csBytes = v))],
  ["time-taken", number("TimeTaken", (r, v) => void (r.TimeTaken = v))],
  // IIS logs a custom field under the name the admin gave it: the header name, with or without `cs(...)`.
  ["x-forwarded-for", xForwardedFor],
  ["cs(x-forwarded-for)", xForwardedFor],
]);

/**
 * The column a W3C `#Fields` name maps to, or `undefined` for fields the engine does not use (`cs-version`,
 * `cs(Cookie)`, other custom fields). Names match case-insensitively.
 *
 * Header values (user agents, forwarded chains) are kept as logged, `+` for each space (docs/design.md §4.10).
 *
 * @example lookupW3cField("cs(User-Agent)")?.kind // "text" (column csUserAgent)
 */
export function lookupW3cField(name: string): W3cField | undefined {
  return FIELDS.get(name.toLowerCase());
}
