import type { CandidateBatch, Correlator } from "../../core/correlate/Correlator.js";
import { Diagnostics, type InputCounts } from "../../core/Diagnostics.js";
import type { WebRequest } from "../../core/model/WebRequest.js";
import type { StemFilter } from "../../core/scriptStemFilter.js";
import type { IisFileSummary } from "../iis/IisReadSummary.js";
import { readIisFile } from "../iis/readIisFile.js";
import type { IisInputFile } from "../iis/readIisInputs.js";
import { readW3cRange } from "../w3c/readW3cFile.js";
import type { W3cRange } from "../w3c/splitW3cFile.js";
import type { W3cLine } from "../w3c/W3cLine.js";

/**
 * What reading one IIS file into a correlator gave, as plain data: the file's counts, what it put in the run's
 * diagnostics, and the candidates it added. A run merges these in file order, whichever thread read the file.
 */
export interface FileOutcome {
  summary: IisFileSummary;
  /** The file's diagnostics entries (its path, usually one). */
  inputs: [string, InputCounts][];
  warnings: string[];
  batch: CandidateBatch;
}

/**
 * Reads one IIS file into the correlator (native W3C lines through its byte-level path, export rows as requests),
 * or one range of a plain W3C log (`splitW3cFile`), with a diagnostics ledger of its own, and takes the candidates
 * it added.
 */
export async function readFileIntoCorrelator(
  correlator: Correlator,
  file: IisInputFile,
  acceptStem: StemFilter,
  examplesPerInput: number,
  onBytesRead?: (bytes: number) => void,
  range?: W3cRange,
): Promise<FileOutcome> {
  // No cap on warnings here: a file gives a few at most, and the run's ledger applies its own cap when merging.
  const diagnostics = new Diagnostics(examplesPerInput, Number.MAX_SAFE_INTEGER);
  const options = {
    diagnostics,
    acceptStem,
    defaultHost: file.defaultHost,
    onBytesRead,
    onLine: (line: W3cLine) => correlator.observeLine(line),
  };
  const onRequest = (request: WebRequest) => correlator.observe(request);
  const summary: IisFileSummary =
    range === undefined
      ? await readIisFile(file.path, options, onRequest)
      : {
          path: file.path,
          format: "w3c",
          gzip: false,
          ...(await readW3cRange(file.path, range, options, onRequest)),
        };
  return {
    summary,
    inputs: [...diagnostics.inputs],
    warnings: diagnostics.warnings,
    batch: correlator.takeCandidates(),
  };
}

/** Adds a file's diagnostics to the run's, as if the run's ledger had recorded them itself. */
export function mergeFileDiagnostics(
  target: Diagnostics,
  outcome: Pick<FileOutcome, "inputs" | "warnings">,
): void {
  for (const [source, counts] of outcome.inputs) {
    target.read(source, counts.read); // also makes the entry, where the file's first row would have
    const entry = target.inputs.get(source)!;
    entry.skipped += counts.skipped;
    for (const [reason, count] of counts.byReason)
      entry.byReason.set(reason, (entry.byReason.get(reason) ?? 0) + count);
    for (const example of counts.examples) {
      if (entry.examples.length < target.examplesPerInput) entry.examples.push(example);
    }
  }
  for (const warning of outcome.warnings) target.warn(warning);
}
