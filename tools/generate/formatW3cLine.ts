import type { W3cRecord } from "./W3cRecord.js";

/** The server-side values of a line: they come from the host, not from the request. */
export interface W3cServer {
  computerName: string;
  ip: string;
}

type Value = (server: W3cServer, r: W3cRecord, date: string, time: string) => string | number;

const VALUES: Readonly<Record<string, Value>> = {
  date: (_s, _r, date) => date,
  time: (_s, _r, _d, time) => time,
  "s-sitename": (_s, r) => r.site,
  "s-computername": (s) => s.computerName,
  "s-ip": (s) => s.ip,
  "cs-method": (_s, r) => r.method,
  "cs-uri-stem": (_s, r) => r.stem,
  "cs-uri-query": (_s, r) => r.query,
  "s-port": (_s, r) => r.port,
  "cs-username": (_s, r) => r.userName,
  "c-ip": (_s, r) => r.cIp,
  "cs-version": () => "HTTP/1.1",
  "cs(User-Agent)": (_s, r) => r.userAgent,
  "cs(Referer)": (_s, r) => r.referer,
  "cs-host": (_s, r) => r.csHost,
  "sc-status": (_s, r) => r.status,
  "sc-substatus": (_s, r) => r.subStatus,
  "sc-win32-status": (_s, r) => r.win32Status,
  "sc-bytes": (_s, r) => r.scBytes,
  "cs-bytes": (_s, r) => r.csBytes,
  "time-taken": (_s, r) => r.timeTaken,
  "X-Forwarded-For": (_s, r) => r.xff,
};

// One accessor list per `#Fields` array (there are a handful), so a line costs no field-name lookups.
const compiled = new WeakMap<readonly string[], { values: Value[]; parts: (string | number)[] }>();

function compile(fields: readonly string[]) {
  let layout = compiled.get(fields);
  if (layout === undefined) {
    const values = fields.map((field) => {
      const value = VALUES[field];
      if (value === undefined) throw new RangeError(`formatW3cLine: no value for W3C field "${field}"`);
      return value;
    });
    layout = { values, parts: new Array<string | number>(values.length) };
    compiled.set(fields, layout);
  }
  return layout;
}

/**
 * One W3C log line for the given `#Fields`, without the newline. `date` and `time` are passed in already
 * formatted because the writer caches them. Built with `join`, which yields a flat string: encoding millions of
 * concatenation trees into the output buffer costs more than building them.
 *
 * @throws RangeError for a field name the generator does not know, naming it.
 */
export function formatW3cLine(
  fields: readonly string[],
  server: W3cServer,
  record: W3cRecord,
  date: string,
  time: string,
): string {
  const { values, parts } = compile(fields);
  for (let i = 0; i < values.length; i++) parts[i] = (values[i] as Value)(server, record, date, time);
  return parts.join(" ");
}

/** The header block IIS writes when it opens a log file or restarts logging. */
export function formatW3cHeader(software: string, fields: readonly string[], dateTime: string): string {
  return `#Software: ${software}\n#Version: 1.0\n#Date: ${dateTime}\n#Fields: ${fields.join(" ")}\n`;
}
