/**
 * `#Fields` lines as IIS writes them. IIS orders the standard fields canonically and appends custom fields (such
 * as `X-Forwarded-For`, added under "Custom Fields" in IIS Manager) at the end.
 */
export const IIS_DEFAULT_FIELDS: readonly string[] = [
  "date",
  "time",
  "s-ip",
  "cs-method",
  "cs-uri-stem",
  "cs-uri-query",
  "s-port",
  "cs-username",
  "c-ip",
  "cs(User-Agent)",
  "cs(Referer)",
  "sc-status",
  "sc-substatus",
  "sc-win32-status",
  "time-taken",
];

/** Default fields plus the server's site and computer names. */
export const SITE_AND_COMPUTER_FIELDS: readonly string[] = withAfter(IIS_DEFAULT_FIELDS, "time", [
  "s-sitename",
  "s-computername",
]);

/** Default fields plus the computer name only. */
export const COMPUTER_FIELDS: readonly string[] = withAfter(IIS_DEFAULT_FIELDS, "time", ["s-computername"]);

/** `SITE_AND_COMPUTER_FIELDS` after a config change: byte counts and a custom `X-Forwarded-For` field. */
export const SITE_AND_COMPUTER_FIELDS_WITH_XFF: readonly string[] = [
  ...withAfter(SITE_AND_COMPUTER_FIELDS, "sc-win32-status", ["sc-bytes", "cs-bytes"]),
  "X-Forwarded-For",
];

/** Everything a load-balanced farm logs: versions, host header, byte counts and the forwarded client. */
export const LOAD_BALANCED_FIELDS: readonly string[] = [
  ...withAfter(
    withAfter(withAfter(SITE_AND_COMPUTER_FIELDS, "c-ip", ["cs-version"]), "cs(Referer)", ["cs-host"]),
    "sc-win32-status",
    ["sc-bytes", "cs-bytes"],
  ),
  "X-Forwarded-For",
];

function withAfter(fields: readonly string[], after: string, added: readonly string[]): readonly string[] {
  const at = fields.indexOf(after);
  return [...fields.slice(0, at + 1), ...added, ...fields.slice(at + 1)];
}
