// Disallowed in PartitionKey/RowKey by Table Storage: / \ # ? and the C0 and C1 control characters
// (https://learn.microsoft.com/rest/api/storageservices/understanding-the-table-service-data-model). `%` is the
// escape character itself, so it is escaped too: that is what makes the encoding reversible and injective.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ESCAPED = /[%/\\#?\u0000-\u001f\u007f-\u009f]/g;
const ESCAPE = /%([0-9A-F]{2})/g;

/**
 * Makes any string a valid Table Storage key by percent-encoding `%`, `/`, `\`, `#`, `?` and the control characters
 * U+0000–U+001F and U+007F–U+009F as `%XX` (upper-case hex); everything else, including non-ASCII text, is kept.
 * Distinct inputs give distinct keys, and {@link decodeTableKey} gives the input back. Azure answers 400 for a raw
 * forbidden character, and Azurite even 500 for `/` on reads, which a retry policy would take as transient.
 *
 * @example encodeTableKey("web/01#a") // "web%2F01%23a"; a hex record id comes back unchanged
 */
export function encodeTableKey(value: string): string {
  return value.replace(
    ESCAPED,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`,
  );
}

/** The inverse of {@link encodeTableKey}: turns every `%XX` back into its character. */
export function decodeTableKey(key: string): string {
  return key.replace(ESCAPE, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}
