import type { ProcessObservation } from "../../model/ProcessObservation.js";

/** The observed processes of one host, sorted by anchor, so that a request finds its candidates by binary search. */
export class HostTimeline {
  readonly anchors: number[] = [];
  readonly observations: ProcessObservation[] = [];

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
    const add = (map: Map<string, HostTimeline>, key: string, observation: ProcessObservation) => {
      const timeline = map.get(key) ?? new HostTimeline();
      timeline.observations.push(observation);
      map.set(key, timeline);
    };
    for (const observation of observations) {
      if (observation.host.shortName !== "") add(byName, observation.host.shortName, observation);
      for (const address of observation.host.addresses) add(byAddress, address, observation);
    }
    for (const timeline of [...byName.values(), ...byAddress.values()]) timeline.sort();
    return { byName, byAddress };
  }

  /** Index of the first observation whose anchor is in [from, to], or -1 when none is. */
  firstIn(from: number, to: number): number {
    const { anchors } = this;
    let low = 0;
    let high = anchors.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (anchors[mid]! < from) low = mid + 1;
      else high = mid;
    }
    return low < anchors.length && anchors[low]! <= to ? low : -1;
  }

  private sort(): void {
    this.observations.sort((a, b) => a.anchor - b.anchor);
    this.anchors.push(...this.observations.map((observation) => observation.anchor));
  }
}
