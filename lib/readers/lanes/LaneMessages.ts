import type { BaselineSnapshot } from "../../core/correlate/DistinctIpBaseline.js";
import type { HashKey } from "../../core/correlate/halfSipHash.js";
import type { AlertRow } from "../../core/model/AlertRow.js";
import type { DeviceProcessRow } from "../../core/model/DeviceProcessRow.js";
import type { EngineOptions, TimeRange } from "../../core/model/EngineOptions.js";
import type { IisInputFile } from "../iis/readIisInputs.js";
import type { W3cRange } from "../w3c/splitW3cFile.js";
import type { FileOutcome } from "./readFileIntoCorrelator.js";

/** What a lane worker starts from: the run's process sources and options, to build the same correlator as the run's. */
export interface LaneInit {
  alerts: readonly AlertRow[];
  /** The DeviceProcessEvents rows of web-shell processes; none when absent. */
  processes?: readonly DeviceProcessRow[];
  options: EngineOptions;
  range: TimeRange | undefined;
  examplesPerInput: number;
  /** The run's baseline hash key, so that the counts the threads hand back are coded alike. */
  baselineKey: HashKey;
}

/**
 * From the run to a worker: read a file (or a range of it); there is none left (`idle`); or hand over the
 * baseline's counts of the keys the run's records read, and stop.
 */
export type ToLane =
  | { kind: "file"; index: number; file: IisInputFile; range?: W3cRange }
  | { kind: "idle" }
  | { kind: "finish"; keys: string[] };

/** From a worker to the run. */
export type FromLane =
  | { kind: "progress"; index: number; bytes: number }
  | { kind: "file"; index: number; outcome: FileOutcome }
  | { kind: "failed"; index: number; error: LaneError }
  | { kind: "idle" }
  | { kind: "baseline"; snapshot: BaselineSnapshot };

/** An error as it crosses threads: an unreadable input keeps its type, anything else its message and stack. */
export type LaneError =
  | { kind: "iis-input"; path: string; reason: string }
  | { kind: "other"; message: string; stack: string | undefined };
