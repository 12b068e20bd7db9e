import { InputError } from "../../core/errors.js";

/**
 * The text of an alert file read as UTF-8, without a byte order mark. UTF-16 (what Windows PowerShell 5's
 * `Export-Csv` and `Out-File` write by default) is refused with the fix, rather than read as garbage that would
 * turn every row into a skip.
 */
export function decodeAlertText(path: string, bytes: Uint8Array): string {
  const [first, second] = bytes;
  const utf16Bom = (first === 0xff && second === 0xfe) || (first === 0xfe && second === 0xff);
  if (utf16Bom || looksUtf16(bytes.subarray(0, 1024))) {
    throw new InputError(
      path,
      "looks UTF-16 encoded, which is not supported: save it as UTF-8 (e.g. Export-Csv -Encoding utf8)",
      "alert",
    );
  }
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  return text.startsWith("\uFEFF") ? text.slice(1) : text;
}

// UTF-16 of ASCII text has a NUL in every other byte. A stray NUL in a UTF-8 file (a damaged line) is not that,
// and refusing the whole file for it would lose every good alert in it; a quarter of the bytes is far from both.
function looksUtf16(sample: Uint8Array): boolean {
  let nuls = 0;
  for (const byte of sample) if (byte === 0) nuls += 1;
  return sample.length >= 2 && 4 * nuls >= sample.length;
}
