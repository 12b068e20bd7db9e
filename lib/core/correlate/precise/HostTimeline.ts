import type { ProcessObservation } from "../../model/ProcessObservation.js";
import { partitionPoint } from "./partitionPoint.js";

/**
 * The observed processes of one host, sorted by anchor, so that a request finds its candidates by binary search: the
 * processes a request can match are one range of positions, which is how a match is kept (see `RequestMatch`).
 */
export class HostTimeline {
  readonly anchors: number[] = [];
  readonly observations: ProcessObservation[] = [];
  private readonly positions = new Map<ProcessObservation, number>();

  /**
   * @param key how the host was found (`name:` or `address:` and the value): names the timeline across threads,
   *   which build the same timelines from the same observations
   */
  private constructor(readonly key: string) {}

  /**
   * The observations of each host, by short host name and by address (docs/design.md §4.4): a request is placed by its host
   * name when it has one, else by its server address.
   */
  static index(observations: readonly ProcessObservation[]): {
    byName: Map<string, HostTimeline>;
    byAddress: Map<string, HostTimeline>;
  } {
    const byName = new Map<string, HostTimeline>();
    const byAddress = new Map<string, HostTimeline>();
    const add = (map: Map<string, HostTimeline>, kind: string, key: string, o: ProcessObservation) => {
      const timeline = map.get(key) ?? new HostTimeline(`${kind}:${key}`);
      timeline.observations.push(o);
      map.set(key, timeline);
    };
    for (const observation of observations) {
      if (observation.host.shortName !== "") add(byName, "name", observation.host.shortName, observation);
      for (const address of observation.host.addresses) add(byAddress, "address", address, observation);
    }
    for (const timeline of [...byName.values(), ...byAddress.values()]) timeline.sort();
    return { byName, byAddress };
  }

  /** Index of the first observation whose anchor is in [from, to], or -1 when none is. */
  firstIn(from: number, to: number): number {
    const { anchors } = this;
    const low = partitionPoint(anchors, (anchor) => anchor < from);
    return low < anchors.length && anchors[low]! <= to ? low : -1;
  }

  /** The end (exclusive) of the observations from `first` on whose anchor is at most `to`. */
  endOf(first: number, to: number): number {
    return partitionPoint(this.anchors, (anchor) => anchor <= to, first);
  }

  /** The observation's position here, or -1 when it is another host's. */
  positionOf(observation: ProcessObservation): number {
    return this.positions.get(observation) ?? -1;
  }

  private sort(): void {
    this.observations.sort((a, b) => a.anchor - b.anchor);
    this.observations.forEach((observation, i) => {
      this.anchors.push(observation.anchor);
      this.positions.set(observation, i);
    });
  }
}
