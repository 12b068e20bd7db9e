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
