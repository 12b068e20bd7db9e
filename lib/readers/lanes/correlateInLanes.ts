import { Worker } from "node:worker_threads";

import type { Correlator } from "../../core/correlate/Correlator.js";
import type { BaselineSnapshot } from "../../core/correlate/DistinctIpBaseline.js";
import type { Diagnostics } from "../../core/Diagnostics.js";
import { InputError } from "../../core/errors.js";
import { makeStemFilter } from "../../core/scriptStemFilter.js";
import type { IisReadSummary } from "../iis/IisReadSummary.js";
import { addFileSummary, emptyReadSummary, type IisInputFile } from "../iis/readIisInputs.js";
import type { FromLane, LaneError, LaneInit, ToLane } from "./LaneMessages.js";
import { type FileOutcome, mergeFileDiagnostics, readFileIntoCorrelator } from "./readFileIntoCorrelator.js";

/** How many threads read, and where the worker script is. */
export interface LaneOptions {
  /** Worker threads besides the calling one, which reads files too. */
  workers: number;
  /** The compiled `laneWorker.js` (default: next to this module; tests that run sources point at the build). */
  workerUrl?: URL;
}

/**
 * Reads IIS files into the run's correlator on several threads: the calling thread and each worker take the next
 * file in turn, each into a correlator of its own built from the same alerts and options (the calling thread's is
 * the run's). Then the run's correlator takes every file's candidates in file order and the workers' baselines
 * (a union of capped sets, exact: see `DistinctIpBaseline.merge`), and the diagnostics and summary are merged in
 * file order: records, counts and skips are those of reading the files one after the other. An unreadable file
 * throws as it would there: the first one in file order, once the files before it are read.
 *
 * Whole files are the unit: a line's number, and the `#Fields` block it falls under, are only known by reading its
 * file from the start. One large file is read by one thread.
 */
export async function correlateInLanes(
  correlator: Correlator,
  files: readonly IisInputFile[],
  init: LaneInit,
  diagnostics: Diagnostics,
  lanes: LaneOptions,
  onProgress?: (bytesRead: number, totalBytes: number) => void,
): Promise<IisReadSummary> {
  const summary = emptyReadSummary(files);
  const outcomes: FileOutcome[] = [];
  const failures = new Map<number, Error>();
  const inFlight = new Map<number, number>();
  let doneBytes = 0;
  let next = 0;
  const take = () => (failures.size === 0 && next < files.length ? next++ : -1);
  const progress = (index: number, bytes: number) => {
    inFlight.set(index, Math.min(bytes, files[index]!.size));
    let reading = 0;
    for (const value of inFlight.values()) reading += value;
    onProgress?.(doneBytes + reading, summary.totalBytes);
  };
  const settle = (index: number, result: FileOutcome | Error) => {
    inFlight.delete(index);
    doneBytes += files[index]!.size;
    if (result instanceof Error) failures.set(index, result);
    else outcomes[index] = result;
    onProgress?.(doneBytes, summary.totalBytes);
  };

  const acceptStem = makeStemFilter(init.options.scriptExtensions);
  const ownLane = async () => {
    for (let index = take(); index !== -1; index = take()) {
      const file = files[index]!;
      try {
        const onBytes = (bytes: number) => progress(index, bytes);
        settle(
          index,
          await readFileIntoCorrelator(correlator, file, acceptStem, init.examplesPerInput, onBytes),
        );
      } catch (error) {
        settle(index, error instanceof Error ? error : new Error(String(error)));
      }
    }
  };
  const url = lanes.workerUrl ?? new URL("./laneWorker.js", import.meta.url);
  const workers = Array.from({ length: lanes.workers }, () => new Worker(url, { workerData: init }));
  try {
    onProgress?.(0, summary.totalBytes);
    const lanes = workers.map((worker) => workerLane(worker));
    await Promise.all([ownLane(), ...lanes.map((lane) => lane.idle)]);
    const firstFailure = Math.min(...failures.keys());
    for (let index = 0; index < Math.min(files.length, firstFailure); index++) {
      const outcome = outcomes[index]!;
      addFileSummary(summary, outcome.summary);
      mergeFileDiagnostics(diagnostics, outcome);
      correlator.addCandidates(outcome.batch);
    }
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

  /** Feeds one worker files until none are left (`idle`), then, when asked, takes its counts (`baseline`). */
  function workerLane(worker: Worker): { idle: Promise<void>; baseline: Promise<BaselineSnapshot> } {
    let idle!: () => void;
    const whenIdle = new Promise<void>((resolve) => (idle = resolve));
    const baseline = new Promise<BaselineSnapshot>((resolve, reject) => {
      const ask = () => {
        const index = take();
        const message: ToLane =
          index === -1 ? { kind: "idle" } : { kind: "file", index, file: files[index]! };
        worker.postMessage(message);
      };
      worker.on("message", (message: FromLane) => {
        switch (message.kind) {
          case "progress":
            return progress(message.index, message.bytes);
          case "file":
            settle(message.index, message.outcome);
            return ask();
          case "failed":
            settle(message.index, fromLaneError(message.error));
            return ask();
          case "idle":
            return idle();
          case "baseline":
            return resolve(message.snapshot);
        }
      });
      worker.on("error", reject);
      worker.on("exit", (code) =>
        reject(new Error(`an IIS reading worker stopped early (exit code ${code})`)),
      );
      ask();
    });
    // A worker that fails while reading must not leave the run waiting for it to go idle.
    return { idle: Promise.race([whenIdle, baseline.then(() => undefined)]), baseline };
  }
}

function fromLaneError(error: LaneError): Error {
  if (error.kind === "iis-input") return new InputError(error.path, error.reason, "IIS");
  const rebuilt = new Error(error.message);
  rebuilt.stack = error.stack;
  return rebuilt;
}
