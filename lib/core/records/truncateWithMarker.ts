/**
 * Shortens text to at most `maxChars` UTF-16 code units, ending it with a marker that says how much was cut, so
 * a stored value never silently loses its tail. Text within the limit is returned as it is.
 *
 * @example truncateWithMarker("x".repeat(50), 40) // "xxxxxxxxxxxxxxx…[truncated 35 chars]" (40 chars)
 */
export function truncateWithMarker(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  let keep = maxChars;
  // The marker's own length depends on the count it reports; two passes settle it.
  for (let pass = 0; pass < 2; pass++) keep = Math.max(0, maxChars - marker(text.length - keep).length);
  // Never cut a surrogate pair in half.
  if (keep > 0 && isHighSurrogate(text.charCodeAt(keep - 1))) keep -= 1;
  return text.slice(0, keep) + marker(text.length - keep);
}

function marker(cut: number): string {
  return `…[truncated ${cut} chars]`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
