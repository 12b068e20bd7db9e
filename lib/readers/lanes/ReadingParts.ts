import { InputError } from "../../core/errors.js";
import { detectExportFormat } from "../exports/detectExportFormat.js";
import { readFileHead } from "../files/readFileHead.js";
import type { IisInputFile } from "../iis/readIisInputs.js";
import { splitW3cFile, type W3cRange } from "../w3c/splitW3cFile.js";

/** A unit of reading: a whole file, or a range of a plain W3C log; or the error of cutting that log. */
export interface Part {
  /** Index of its file in the run's list. */
  file: number;
  range?: W3cRange;
  failure?: Error;
}

/**
 * The parts of a run's IIS files, in file order, made ahead of the threads that read them: a file as it is, or a
 * plain W3C log of at least twice `rangeBytes` as its ranges (`splitW3cFile`), each given out as soon as the cut has
 * passed its end. `take` waits for the next part while one is being made.
 */
export class ReadingParts {
  readonly parts: Part[] = [];
  /** Settles when every part is made, or the making stopped at a failure. */
  readonly made: Promise<void>;
  private next = 0;
  private done = false;
  private waiting: (() => void)[] = [];

  /**
   * @param stopped whether the run stopped (a part failed, a worker died): nothing more is made, or given out
   * @param split how a log is cut (tests make it fail part-way)
   */
  constructor(
    private readonly files: readonly IisInputFile[],
    rangeBytes: number,
    private readonly stopped: () => boolean,
    private readonly split: typeof splitW3cFile = splitW3cFile,
  ) {
    this.made = this.make(rangeBytes).finally(() => {
      this.done = true;
      this.wake();
    });
  }

  /** The next part's index, when it is made; -1 when there is none left, or the run stopped. */
  async take(): Promise<number> {
    for (;;) {
      if (this.stopped()) return -1;
      if (this.next < this.parts.length) return this.next++;
      if (this.done) return -1;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  /** Bytes of the part's file that it covers. */
  bytesOf(index: number): number {
    const { file, range } = this.parts[index]!;
    const size = this.files[file]!.size;
    return range === undefined ? size : (range.end ?? size) - range.start;
  }

  private async make(rangeBytes: number): Promise<void> {
    const { files } = this;
    for (let file = 0; file < files.length && !this.stopped(); file++) {
      // A file whose head cannot be read is read whole, where its reader reports it as it does any file.
      if (!(await isLargePlainW3c(files[file]!, 2 * rangeBytes).catch(() => false))) {
        this.add({ file });
        continue;
      }
      try {
        for await (const range of this.split(files[file]!.path, rangeBytes)) {
          if (this.stopped()) break;
          this.add({ file, range });
        }
      } catch (error) {
        const failure = InputError.wrap(files[file]!.path, error, "IIS");
        this.add({ file, failure: failure instanceof Error ? failure : new Error(String(failure)) });
      }
    }
  }

  private add(part: Part): void {
    this.parts.push(part);
    this.wake();
  }

  private wake(): void {
    for (const resolve of this.waiting) resolve();
    this.waiting = [];
  }
}

/** Whether the file is a plain (not gzip) W3C log of at least `bytes`: one that can be cut into ranges. */
async function isLargePlainW3c(file: IisInputFile, bytes: number): Promise<boolean> {
  if (file.size < bytes) return false;
  const head = await readFileHead(file.path, "IIS");
  if ("error" in head || head.gzip) return false;
  return detectExportFormat(head.head, head.complete).format === "w3c";
}
