/**
 * Kusto's `has_any` as the hunting query uses it on `csUriStem` (DESIGN B8): term matching, not "ends with".
 * A term matches where it occurs case-insensitively and, if the term starts with an ASCII letter or digit, the
 * text has none just before the occurrence; if it ends with one, the text has none just after.
 *
 * @example hasAny("/x.php.bak", [".php"]) // true
 * @example hasAny("/x.json", [".js"]) // false: "o" follows ".js"
 */
export function hasAny(text: string, terms: readonly string[]): boolean {
  const haystack = text.toLowerCase();
  for (const term of terms) {
    if (hasTerm(haystack, term.toLowerCase())) return true;
  }
  return false;
}

/** `has` for one term already in lower case, over text already in lower case. */
export function hasTerm(haystack: string, term: string): boolean {
  if (term.length === 0) return false;
  const checkBefore = isAsciiAlnum(term.charCodeAt(0));
  const checkAfter = isAsciiAlnum(term.charCodeAt(term.length - 1));
  for (let at = haystack.indexOf(term); at !== -1; at = haystack.indexOf(term, at + 1)) {
    if (checkBefore && at > 0 && isAsciiAlnum(haystack.charCodeAt(at - 1))) continue;
    const end = at + term.length;
    if (checkAfter && end < haystack.length && isAsciiAlnum(haystack.charCodeAt(end))) continue;
    return true;
  }
  return false;
}

/** ASCII `0-9`, `A-Z`, `a-z`: the characters that continue a Kusto term. */
export function isAsciiAlnum(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}
