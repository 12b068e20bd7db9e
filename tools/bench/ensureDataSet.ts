import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { generateDataSet } from "../generate/generateDataSet.js";
import { DEFAULT_GENERATE_OPTIONS, type GenerateOptions } from "../generate/GenerateOptions.js";

/** A generated data set on disk. */
export interface DataSet {
  dir: string;
  alerts: string;
  iis: string;
  options: GenerateOptions;
}

const DONE = ".complete";

/**
 * The data set for these options, generated with the project's generator the first time and reused after: the
 * generator is a pure function of its options, so a finished folder (marked by `.complete` holding the options)
 * is the same bytes it would write again. An unfinished folder (an interrupted run) is generated anew.
 */
export function ensureDataSet(
  cacheDir: string,
  lines: number,
  seed: number,
  log: (text: string) => void,
): DataSet {
  const options: GenerateOptions = { ...DEFAULT_GENERATE_OPTIONS, lines, seed };
  const dir = join(cacheDir, `data-${lines}-seed${seed}`);
  const marker = join(dir, DONE);
  const wanted = JSON.stringify(options);
  if (!existsSync(marker) || readFileSync(marker, "utf8") !== wanted) {
    log(`generating ${lines} lines (seed ${seed}) into ${dir} …`);
    rmSync(dir, { recursive: true, force: true });
    const started = performance.now();
    const result = generateDataSet(dir, options);
    writeFileSync(marker, wanted);
    log(`generated ${result.iisLines} lines in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  return { dir, alerts: join(dir, "alerts.json"), iis: join(dir, "iis"), options };
}
