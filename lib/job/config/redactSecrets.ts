// `name=value` pairs whose value is a credential: storage keys and SAS tokens in connection strings and URLs,
// passwords and client secrets. Matched case-insensitively, wherever they sit in the text.
const SECRET_PAIR =
  /\b(AccountKey|SharedAccessKey|SharedAccessSignature|sig|signature|password|pwd|secret|client_secret|token|access_token|code)=([^;&\s"']+)/gi;
// Bearer tokens and JWTs (three base64url parts, the first starting with `eyJ`).
const BEARER = /\bBearer\s+[A-Za-z0-9._~+/=-]+/gi;
const JWT = /\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
// A long run of base64 is what a storage account key looks like when it is pasted on its own.
const KEY_LIKE = /[A-Za-z0-9+/]{40,}={0,2}/g;

/**
 * Text that may hold a setting's value, fit for a log or an error message: credential values are replaced by `***`
 * (the names stay, so the message still says what is wrong), and the text is cut to `maxChars`. Used wherever a
 * configuration value is echoed back (a malformed setting), since a setting pasted into the wrong name is often a
 * connection string or a SAS URL.
 *
 * @example redactSecrets("AccountName=a;AccountKey=abc==") // "AccountName=a;AccountKey=***"
 */
export function redactSecrets(text: string, maxChars = 120): string {
  const redacted = text
    .replace(SECRET_PAIR, (_match, name: string) => `${name}=***`)
    .replace(BEARER, "Bearer ***")
    .replace(JWT, "***")
    .replace(KEY_LIKE, "***");
  return redacted.length <= maxChars ? redacted : `${redacted.slice(0, maxChars)}…`;
}
