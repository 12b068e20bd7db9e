import { DeadlineError } from "../core/errors.js";

/** The service's own ceiling for one query (10 minutes). */
const MAX_SERVER_SECONDS = 600;
// How long the client waits beyond the server timeout for the answer to arrive (a query that ran out of time is
// answered 504 just after it): 5 s, or a quarter of what is left when that is less.
const CLIENT_MARGIN_MS = 5_000;
// The longest wait a Node.js timer takes (a longer one fires at once).
const MAX_TIMER_MS = 2_147_483_647;

/** What one query may take: the `Prefer: wait` the service gets, and when the client stops waiting. */
export interface QueryLimits {
  serverTimeoutSeconds: number;
  clientTimeoutMs: number;
}

/**
 * The one deadline of a run (docs/design.md §6.6): its start plus its time budget. Every query's server timeout and
 * client wait, and every upload's abort, come from the time left when the step starts, so no step outlives the
 * run, however many steps are slow; a step that cannot get a useful share is not started ({@link DeadlineError}).
 *
 * @example const deadline = Deadline.after(config.timeBudgetMs, deps.now); deadline.queryLimits("the alerts query")
 */
export class Deadline {
  private constructor(
    /** Epoch ms at which the run must have stopped (`Infinity` for a run without a budget). */
    readonly at: number,
    private readonly now: () => number,
  ) {}

  /** A deadline `budgetMs` after `start` (default now: the run starts when it is made). */
  static after(budgetMs: number, now: () => number, start = now()): Deadline {
    return new Deadline(start + budgetMs, now);
  }

  /** No deadline: every query gets the service's 10 minutes (the command line's `--workspace`). */
  static none(now: () => number): Deadline {
    return new Deadline(Number.POSITIVE_INFINITY, now);
  }

  /** Milliseconds left (negative once past). */
  leftMs(): number {
    return this.at - this.now();
  }

  /**
   * The limits of the next query from the time left: the client waits at most what is left, the service gets that
   * less the client's margin, at most its 10 minutes.
   * @throws DeadlineError naming `step` when less than a second would be left for the service.
   */
  queryLimits(step: string): QueryLimits {
    const left = this.leftMs();
    const margin = Math.min(CLIENT_MARGIN_MS, left / 4);
    const serverTimeoutSeconds = Math.min(MAX_SERVER_SECONDS, Math.floor((left - margin) / 1000));
    if (!(serverTimeoutSeconds >= 1)) throw new DeadlineError(step, left);
    return { serverTimeoutSeconds, clientTimeoutMs: serverTimeoutSeconds * 1000 + Math.round(margin) };
  }

  /**
   * Runs a step that has no timeout of its own (Table Storage calls) within what is left: `call` gets a signal that
   * aborts when the time is spent, and the step ends then as a {@link DeadlineError}, even if `call` does not heed
   * its signal (a connection gone half-open never answers).
   * @throws DeadlineError naming `step` when less than a second is left to start it, or when the time ran out.
   */
  async bound<T>(step: string, call: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
    const abortSignal = AbortSignal.timeout(this.stepTimeoutMs(step));
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new DeadlineError(step, this.leftMs()));
      abortSignal.addEventListener("abort", onAbort, { once: true });
    });
    try {
      return await Promise.race([call(abortSignal), aborted]);
    } catch (error) {
      if (abortSignal.aborted && !(error instanceof DeadlineError))
        throw new DeadlineError(step, this.leftMs(), { cause: error });
      throw error;
    } finally {
      abortSignal.removeEventListener("abort", onAbort!);
    }
  }

  /**
   * Milliseconds a step without a server-side timeout (an upload) may run: what is left.
   * @throws DeadlineError naming `step` when less than `atLeastMs` is left.
   */
  stepTimeoutMs(step: string, atLeastMs = 1_000): number {
    const left = this.leftMs();
    if (!(left >= atLeastMs)) throw new DeadlineError(step, left);
    return Math.min(Math.floor(left), MAX_TIMER_MS);
  }
}
