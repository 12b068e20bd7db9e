import type { Random } from "./Random.js";

/** Length of a slot: one incident's planted requests and commands fit in its middle ten minutes. */
export const SLOT_MS = 20 * 60_000;
/** Planted events of a slot happen in [slot start + margin, slot end - margin]. */
export const SLOT_MARGIN_MS = 5 * 60_000;
// Alerts arrive hours after their commands: no incident in the last hours of the data, so that every alert's
// TimeGenerated is inside the data set.
const TAIL_MS = 4 * 3_600_000;

/**
 * Time slots per host, the device that keeps the ground truth exact by construction. Each incident (a command, a
 * planted rare page) takes a slot on its host; benign traffic inside a taken slot only uses non-script or popular
 * pages, and rare benign pages stay out of taken slots and their neighbours. Since matching needs the same host
 * and a request within a minute (plus its time-taken) of the command, no benign request can match a command.
 */
export class SlotPlan {
  /** Number of slots from the start of the data; slot 0 and the tail are never given out. */
  readonly count: number;
  private readonly firstUsable = 1;
  private readonly lastUsable: number;
  private readonly taken = new Map<string, Set<number>>();

  constructor(
    readonly start: number,
    readonly end: number,
  ) {
    this.count = Math.floor((end - start) / SLOT_MS);
    this.lastUsable = Math.floor((end - TAIL_MS - start) / SLOT_MS) - 1;
  }

  /** How many slots one host can give out. */
  get usable(): number {
    return Math.max(0, this.lastUsable - this.firstUsable + 1);
  }

  /** Start time of a slot. */
  slotStart(index: number): number {
    return this.start + index * SLOT_MS;
  }

  /** Index of the slot holding a time. */
  slotOf(time: number): number {
    return Math.floor((time - this.start) / SLOT_MS);
  }

  /** True when the slot is free on every listed host. */
  isFree(index: number, ...hosts: string[]): boolean {
    if (index < this.firstUsable || index > this.lastUsable) return false;
    return hosts.every((host) => !(this.taken.get(host)?.has(index) ?? false));
  }

  /**
   * Takes a random slot free on every listed host and satisfying `accept`.
   *
   * @throws RangeError when no slot is left: the data set is too short for its scenarios.
   */
  take(random: Random, hosts: readonly string[], accept: (index: number) => boolean = () => true): number {
    const free: number[] = [];
    for (let i = this.firstUsable; i <= this.lastUsable; i++) {
      if (this.isFree(i, ...hosts) && accept(i)) free.push(i);
    }
    const index = free.length > 0 ? random.pick(free) : undefined;
    if (index === undefined) {
      throw new RangeError(
        `SlotPlan: no free ${SLOT_MS / 60_000}-minute slot left on ${hosts.join(", ")}; use more --days or fewer --lines`,
      );
    }
    for (const host of hosts) this.mark(host, index);
    return index;
  }

  /** True when a command could be near this time on the host: benign script pages must be popular here. */
  isGuarded(host: string, time: number): boolean {
    return this.taken.get(host)?.has(this.slotOf(time)) ?? false;
  }

  /** True when a rare benign page may be requested here: the slot and both neighbours are free. */
  allowsRare(host: string, time: number): boolean {
    const slot = this.slotOf(time);
    const taken = this.taken.get(host);
    return taken === undefined || !(taken.has(slot - 1) || taken.has(slot) || taken.has(slot + 1));
  }

  private mark(host: string, index: number): void {
    let set = this.taken.get(host);
    if (set === undefined) this.taken.set(host, (set = new Set()));
    set.add(index);
  }
}
