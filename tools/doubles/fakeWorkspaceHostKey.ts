import { coalesceStrings, extract, firstSplit, trim } from "./fakeWorkspaceScalars.js";
import { extend, type FakeTable, text } from "./fakeWorkspaceTable.js";
import {
  group,
  line,
  parseString,
  parseVerbatim,
  type QueryLines,
  STRING,
  VERBATIM,
} from "./fakeWorkspaceText.js";

/**
 * How a query computes `HostKey` from a W3CIISLog row, read from its `extend` lines: precise's four-line
 * short-name rule or compat's exact `sComputerName` (which of the two a query is, is told by these lines).
 */
export type AddHostKey = (table: FakeTable) => FakeTable;

// buildRequestQueries.ts, COMPAT_HOST_KEY: `| extend HostKey = sComputerName`.
const COMPAT = line(String.raw`\| extend HostKey = sComputerName`);
// PRECISE_HOST_KEY line 1: `| extend HostName_ = coalesce(trim(@"\s+", sComputerName), trim(@"\s+", Computer),`.
const PRECISE_NAME = line(
  String.raw`\| extend HostName_ = coalesce\(trim\((${VERBATIM}), sComputerName\), trim\((${VERBATIM}), Computer\),`,
);
// PRECISE_HOST_KEY line 2: `    extract(@"(?i)/providers/…/([^/]+)$", 1, trim(@"\s+", _ResourceId)))`.
const PRECISE_VM = line(
  String.raw` {4}extract\((${VERBATIM}), (\d+), trim\((${VERBATIM}), _ResourceId\)\)\)`,
);
// PRECISE_HOST_KEY line 3: `| extend HostKey = tolower(tostring(split(HostName_, ".")[0]))`.
const PRECISE_LABEL = line(
  String.raw`\| extend HostKey = tolower\(tostring\(split\(HostName_, (${STRING})\)\[0\]\)\)`,
);
// PRECISE_HOST_KEY line 4: `| extend HostKey = iff(isempty(HostKey), trim(@"\s+", sIP), HostKey)`.
const PRECISE_ADDRESS = line(
  String.raw`\| extend HostKey = iff\(isempty\(HostKey\), trim\((${VERBATIM}), sIP\), HostKey\)`,
);

/**
 * Reads the host-key lines if the next line starts them: the compat line, or all four precise lines (a partial
 * precise block throws). Returns undefined when the next line is neither.
 */
export function readHostKeyLines(lines: QueryLines): AddHostKey | undefined {
  if (lines.optional(COMPAT) !== undefined) {
    return (table) => extend(table, "HostKey", "string", (row) => text(row, "sComputerName"));
  }
  const name = lines.optional(PRECISE_NAME);
  if (name === undefined) return undefined;
  const vm = lines.next(PRECISE_VM, "the precise host key's _ResourceId line");
  const label = lines.next(PRECISE_LABEL, "the precise host key's first-label line");
  const address = lines.next(PRECISE_ADDRESS, "the precise host key's sIP fallback line");

  const trimComputerName = parseVerbatim(group(name, 1));
  const trimComputer = parseVerbatim(group(name, 2));
  const vmPattern = parseVerbatim(group(vm, 1));
  const vmGroup = Number(group(vm, 2));
  const trimResourceId = parseVerbatim(group(vm, 3));
  const separator = parseString(group(label, 1));
  const trimAddress = parseVerbatim(group(address, 1));

  return (table) => {
    const named = extend(table, "HostName_", "string", (row) =>
      coalesceStrings(
        trim(trimComputerName, text(row, "sComputerName")),
        trim(trimComputer, text(row, "Computer")),
        extract(vmPattern, vmGroup, trim(trimResourceId, text(row, "_ResourceId"))),
      ),
    );
    const labelled = extend(named, "HostKey", "string", (row) =>
      firstSplit(text(row, "HostName_"), separator).toLowerCase(),
    );
    return extend(labelled, "HostKey", "string", (row) => {
      const key = text(row, "HostKey");
      return key === "" ? trim(trimAddress, text(row, "sIP")) : key;
    });
  };
}
