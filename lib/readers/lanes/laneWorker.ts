// A worker thread that reads IIS files (or ranges of one) into a correlator of its own, one per request from the run
// (see `correlateInLanes`), and hands back each part's outcome and, at the end, its counts of the keys the run asks
// for.
import { parentPort, workerData } from "node:worker_threads";

import { createCorrelator } from "../../core/correlate/createCorrelator.js";
import { Diagnostics } from "../../core/Diagnostics.js";
import { InputError } from "../../core/errors.js";
import { makeStemFilter } from "../../core/scriptStemFilter.js";
import type { FromLane, LaneError, LaneInit, ToLane } from "./LaneMessages.js";
import { readFileIntoCorrelator } from "./readFileIntoCorrelator.js";

const PROGRESS_BYTES = 32 << 20;

const init = workerData as LaneInit;
// The process sources were already read and reported by the run: this correlator's own diagnostics are not needed.
const { correlator } = createCorrelator(
  init.alerts,
  init.options,
  init.range,
  new Diagnostics(),
  init.processes,
  { baselineKey: init.baselineKey },
);
const acceptStem = makeStemFilter(init.options.scriptExtensions);
const port = parentPort!;
const send = (message: FromLane) => port.postMessage(message);

port.on("message", (message: ToLane) => {
  if (message.kind === "idle") return send({ kind: "idle" });
  if (message.kind === "finish") {
    // Moved, not copied.
    const snapshot = correlator.baseline.snapshot(message.keys);
    const { keys, ends, sizes, codes } = snapshot;
    const buffers = [keys, ends, sizes, codes].map((array) => array.buffer as ArrayBuffer);
    port.postMessage({ kind: "baseline", snapshot } satisfies FromLane, buffers);
    port.close();
    return;
  }
  const { index, file, range } = message;
  let reported = 0;
  const onBytesRead = (bytes: number) => {
    if (bytes - reported < PROGRESS_BYTES) return;
    reported = bytes;
    send({ kind: "progress", index, bytes });
  };
  readFileIntoCorrelator(correlator, file, acceptStem, init.examplesPerInput, onBytesRead, range).then(
    (outcome) => send({ kind: "file", index, outcome }),
    (error: unknown) => send({ kind: "failed", index, error: toLaneError(error) }),
  );
});

function toLaneError(error: unknown): LaneError {
  if (error instanceof InputError) return { kind: "iis-input", path: error.path, reason: error.reason };
  return error instanceof Error
    ? { kind: "other", message: error.message, stack: error.stack }
    : { kind: "other", message: String(error), stack: undefined };
}
