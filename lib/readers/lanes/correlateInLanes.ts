import { Worker } from "node:worker_threads";

import type { Correlator } from "../../core/correlate/Correlator.js";
import type { BaselineSnapshot } from "../../core/correlate/DistinctIpBaseline.js";
import type { Diagnostics } from "../../core/Diagnostics.js";
import { InputError } from "../../core/errors.js";
import { makeStemFilter } from "../../core/scriptStemFilter.js";
import type { IisFileCounts, IisFileSummary, IisReadSummary } from "../iis/IisReadSummary.js";
import { addFileSummary, emptyReadSummary, type IisInputFile } from "../iis/readIisInputs.js";
import type { W3cRange } from "../w3c/splitW3cFile.js";
import type { FromLane, LaneError, LaneInit, ToLane } from "./LaneMessages.js";
import { type FileOutcome, mergeFileDiagnostics, readFileIntoCorrelator } from "./readFileIntoCorrelator.js";
import { ReadingParts } from "./ReadingParts.js";

/** How many threads read, and where the worker script is. */
export interface LaneOptions {
  /** Worker threads besides the calling one, which reads files too. */
  workers: number;
  /** The compiled `laneWorker.js` (default: next to this module; tests that run sources point at the build). */
  workerUrl?: URL;
  /**
   * Plain W3C logs of at least twice this many bytes are cut into ranges of at least this many, read on any thread;
   * default: a quarter of each thread's share of all the files (at least 32 MiB), so that only a log larger than
   * half a thread's share is cut.
   */
  rangeBytes?: number;
}

const MIN_RANGE_BYTES = 32 << 20;

/**
 * Reads IIS files into the run's correlator on several threads: the calling thread and each worker take the next
 * part in turn (a whole file, or a range of lines of a large plain W3C log), each into a correlator of its own
 * built from the same alerts and options (the calling thread's is the run's). Then the run's correlator takes every
 * part's candidates in file order and the workers' counts of the pages those candidates are on (a union of capped
 * sets, exact: see `DistinctIpBaseline.merge`), and the diagnostics and summary are merged in file order: records,
 * counts and skips are those of reading the files one after the other. An unreadable file throws as it would
 * there: the first one in file order, once the files before it are read.
 *
 * A large log is cut as it is read once ahead of the readers (`splitW3cFile`), which gives each range the line
 * numbers and `#Fields` of reading the file from its start: one big log is read by every thread, not one.
 */
export async function correlateInLanes(
  correlator: Correlator,
  files: readonly IisInputFile[],
  init: Omit<LaneInit, "baselineKey">,
  diagnostics: Diagnostics,
  lanes: LaneOptions,
  onProgress?: (bytesRead: number, totalBytes: number) => void,
): Promise<IisReadSummary> {
  const summary = emptyReadSummary(files);
  const outcomes: FileOutcome[] = [];
  const failures = new Map<number, Error>();
  const inFlight = new Map<number, number>();
  let doneBytes = 0;
  const threads = lanes.workers + 1;
  const rangeBytes = lanes.rangeBytes ?? Math.max(MIN_RANGE_BYTES, summary.totalBytes / (4 * threads));
  // A part that failed, or a worker that died (the run fails then): nothing more is cut or read.
  let workerDied = false;
  const queue = new ReadingParts(files, rangeBytes, () => failures.size > 0 || workerDied);
  const { parts } = queue;
  const progress = (index: number, bytes: number) => {
    inFlight.set(index, Math.min(bytes, queue.bytesOf(index)));
    let reading = 0;
    for (const value of inFlight.values()) reading += value;
    onProgress?.(doneBytes + reading, summary.totalBytes);
  };
  const settle = (index: number, result: FileOutcome | Error) => {
    inFlight.delete(index);
    doneBytes += queue.bytesOf(index);
    if (result instanceof Error) failures.set(index, result);
    else outcomes[index] = result;
    onProgress?.(doneBytes, summary.totalBytes);
  };
  const acceptStem = makeStemFilter(init.options.scriptExtensions);
  const read = async (index: number, file: IisInputFile, range: W3cRange | undefined) => {
    const onBytes = (bytes: number) => progress(index, bytes);
    return readFileIntoCorrelator(correlator, file, acceptStem, init.examplesPerInput, onBytes, range);
  };

  const ownLane = async () => {
    // This thread cuts the large logs first: its own reading would hold back the cutting, and with it every range
    // the workers wait for (a 2.6 GB log was cut in 3.2 s instead of 1).
    await queue.made;
    for (let index = await queue.take(); index !== -1; index = await queue.take()) {
      const { file, range, failure } = parts[index]!;
      try {
        if (failure !== undefined) throw failure;
        settle(index, await read(index, files[file]!, range));
      } catch (error) {
        settle(index, asError(error));
      }
    }
  };
  const url = lanes.workerUrl ?? new URL("./laneWorker.js", import.meta.url);
  const workers = Array.from(
    { length: lanes.workers },
    () =>
      new Worker(url, {
        workerData: { ...init, baselineKey: correlator.baseline.hashKey } satisfies LaneInit,
      }),
  );
  try {
    onProgress?.(0, summary.totalBytes);
    const lanes = workers.map((worker) => workerLane(worker));
    await Promise.all([ownLane(), ...lanes.map((lane) => lane.idle)]);
    await queue.made;
    const firstFailure = Math.min(...failures.keys());
    let fileSummary: IisFileSummary | undefined;
    for (let index = 0; index < Math.min(parts.length, firstFailure); index++) {
      const outcome = outcomes[index]!;
      // A log's ranges make one file of the summary, as reading it whole does.
      if (parts[index]!.range !== undefined && parts[index]!.range!.start > 0)
        addCounts(fileSummary!, outcome.summary);
      else {
        if (fileSummary !== undefined) addFileSummary(summary, fileSummary);
        fileSummary = { ...outcome.summary };
      }
      mergeFileDiagnostics(diagnostics, outcome);
      correlator.addCandidates(outcome.batch);
    }
    if (fileSummary !== undefined) addFileSummary(summary, fileSummary);
    if (failures.size > 0) throw failures.get(firstFailure)!;
    // The records read the counts of their candidates' keys only: those are asked of each worker, rather than
    // its whole baseline (a million pages on a long tail, tens of MiB to copy and merge).
    const keys = [...correlator.baselineKeysInUse()];
    for (const worker of workers) worker.postMessage({ kind: "finish", keys } satisfies ToLane);
    for (const snapshot of await Promise.all(lanes.map((lane) => lane.baseline)))
      correlator.baseline.merge(snapshot);
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  return summary;

  /** Feeds one worker parts until none are left (`idle`), then, when asked, takes its counts (`baseline`). */
  function workerLane(worker: Worker): { idle: Promise<void>; baseline: Promise<BaselineSnapshot> } {
    let idle!: () => void;
    const whenIdle = new Promise<void>((resolve) => (idle = resolve));
    const baseline = new Promise<BaselineSnapshot>((resolve, reject) => {
      const ask = async () => {
        for (let index = await queue.take(); index !== -1; index = await queue.take()) {
          const { file, range, failure } = parts[index]!;
          if (failure === undefined) {
            worker.postMessage({ kind: "file", index, file: files[file]!, range } satisfies ToLane);
            return;
          }
          settle(index, failure);
        }
        worker.postMessage({ kind: "idle" } satisfies ToLane);
      };
      worker.on("message", (message: FromLane) => {
        switch (message.kind) {
          case "progress":
            return progress(message.index, message.bytes);
          case "file":
            settle(message.index, message.outcome);
            return void ask();
          case "failed":
            settle(message.index, fromLaneError(message.error));
            return void ask();
          case "idle":
            return idle();
          case "baseline":
            return resolve(message.snapshot);
        }
      });
      worker.on("error", (error) => {
        workerDied = true;
        reject(error);
      });
      worker.on("exit", (code) => {
        workerDied = true;
        reject(new Error(`an IIS reading worker stopped early (exit code ${code})`));
      });
      void ask();
    });
    // A worker that fails while reading must not leave the run waiting for it to go idle.
    return { idle: Promise.race([whenIdle, baseline.then(() => undefined)]), baseline };
  }
}

function addCounts(into: IisFileCounts, counts: IisFileCounts): void {
  into.read += counts.read;
  into.skipped += counts.skipped;
  into.accepted += counts.accepted;
  into.rowsWithoutHost += counts.rowsWithoutHost;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function fromLaneError(error: LaneError): Error {
  if (error.kind === "iis-input") return new InputError(error.path, error.reason, "IIS");
  const rebuilt = new Error(error.message);
  rebuilt.stack = error.stack;
  return rebuilt;
}
