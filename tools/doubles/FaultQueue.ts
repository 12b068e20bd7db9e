/** Which requests a queued fault applies to. */
export interface FaultMatch<TRequest> {
  /** How many matching requests get the fault (default 1; `Infinity` for every one). */
  readonly times?: number;
  /** Only requests for which this holds (default: any request). */
  readonly when?: (request: TRequest) => boolean;
}

interface QueuedFault<TRequest, TFault> {
  readonly fault: TFault;
  readonly when: (request: TRequest) => boolean;
  remaining: number;
}

/**
 * The faults a protocol double will inject, in the order the test queued them. Each request takes the first queued
 * fault whose predicate it matches (so a fault aimed at one query text does not get used up by another query), and
 * a fault is dropped once it has been used `times` times.
 */
export class FaultQueue<TRequest, TFault> {
  readonly #queued: QueuedFault<TRequest, TFault>[] = [];

  /** Queues `fault` for the next matching request(s). */
  push(fault: TFault, match: FaultMatch<TRequest> = {}): void {
    const times = match.times ?? 1;
    if (!(times >= 1)) {
      throw new RangeError(`expected times to be at least 1 for a queued fault, got ${times}`);
    }
    this.#queued.push({ fault, when: match.when ?? (() => true), remaining: times });
  }

  /** The fault for this request, if any, using one of its `times`. */
  take(request: TRequest): TFault | undefined {
    const index = this.#queued.findIndex((queued) => queued.when(request));
    const queued = this.#queued[index];
    if (queued === undefined) {
      return undefined;
    }
    queued.remaining -= 1;
    if (queued.remaining <= 0) {
      this.#queued.splice(index, 1);
    }
    return queued.fault;
  }

  /** How many faults are still queued (a fault with `times: Infinity` counts once, for ever). */
  get size(): number {
    return this.#queued.length;
  }

  /** Forgets every queued fault. */
  clear(): void {
    this.#queued.length = 0;
  }
}
