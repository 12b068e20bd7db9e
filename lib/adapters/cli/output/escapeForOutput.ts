/**
 * Makes attacker-controlled text safe to print on a terminal: control characters (ANSI escape sequences, carriage
 * returns that overwrite a line, bells) are shown as `\xNN` / `\u{…}` instead of acting on the terminal.
 */
export function toTerminalText(value: string): string {
  // C0, DEL, C1 and the Unicode line/paragraph separators and bidi overrides that reorder what is shown.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (char) => {
    const code = char.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u{${code.toString(16)}}`;
  });
}

// Characters that make Excel, LibreOffice or Sheets treat a cell as a formula (OWASP "CSV injection").
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Makes an attacker-controlled cell inert in a spreadsheet: a value that would start a formula gets a leading
 * apostrophe, which spreadsheets show as text and do not evaluate.
 *
 * @example neutralizeCsvFormula("=HYPERLINK(\"http://x\")") // "'=HYPERLINK(\"http://x\")"
 */
export function neutralizeCsvFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}
