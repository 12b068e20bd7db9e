/**
 * The lower-case first DNS label of a host name: how Defender host entities and IIS rows are put on the same
 * footing (`WEB01.contoso.local` and `web01` both give `web01`). Surrounding white space is ignored.
 *
 * @example firstDnsLabel(" Web01.contoso.local ") // "web01"
 */
export function firstDnsLabel(name: string): string {
  const trimmed = name.trim();
  const dot = trimmed.indexOf(".");
  return (dot === -1 ? trimmed : trimmed.slice(0, dot)).toLowerCase();
}
