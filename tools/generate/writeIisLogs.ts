import { BenignTraffic } from "./BenignTraffic.js";
import type { GenerateOptions } from "./GenerateOptions.js";
import { HostLogWriter } from "./HostLogWriter.js";
import type { Plan } from "./Plan.js";
import { planTrafficMix } from "./planTrafficMix.js";
import type { Random } from "./Random.js";
import type { Topology } from "./Topology.js";
import type { W3cRecord } from "./W3cRecord.js";

const MINUTE = 60_000;

/** Relative busyness of each hour of the day (UTC): quiet nights, a European-business-hours peak. */
const HOURLY = [
  0.25, 0.2, 0.18, 0.18, 0.22, 0.3, 0.45, 0.7, 0.9, 1, 1, 0.95, 0.9, 0.95, 1, 1, 0.95, 0.85, 0.75, 0.65, 0.55,
  0.45, 0.38, 0.3,
];

/** What {@link writeIisLogs} wrote. */
export interface IisLogStats {
  files: string[];
  lines: number;
}

/**
 * Streams every host's IIS logs to `<outDir>/iis/<HOST>/`: benign traffic minute by minute (about `lines`
 * in total, shaped by the hour of day), with the planted requests merged in at their times. Memory holds one
 * minute of one host at a time, so the size of the set is bounded only by the disk.
 */
export function writeIisLogs(
  outDir: string,
  random: Random,
  topology: Topology,
  plan: Plan,
  options: GenerateOptions,
): IisLogStats {
  const minutes = options.days * 1440;
  const weights = Array.from(
    { length: minutes },
    (_, m) => HOURLY[Math.floor(((options.start / MINUTE + m) % 1440) / 60)] ?? 1,
  );
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const stats: IisLogStats = { files: [], lines: 0 };
  const traffics = planTrafficMix(options, topology, plan.slots, weights);
  for (const host of topology.iisHosts) {
    const planted = plan.planted
      .filter((p) => p.host === host)
      .map((p) => p.record)
      .sort((a, b) => a.time - b.time);
    const traffic = new BenignTraffic(
      random.fork(`traffic:${host.machine.hostName}`),
      topology,
      host,
      traffics.mixOf.get(host)!,
      traffics.tailPages,
    );
    const jitter = random.fork(`volume:${host.machine.hostName}`);
    const writer = new HostLogWriter(outDir, host);
    const perWeight = Math.max(0, options.lines * host.share - planted.length) / totalWeight;
    const name = host.machine.hostName;
    const perSecond = new Uint32Array(60);
    let carry = 0;
    let next = 0;
    for (let m = 0; m < minutes; m++) {
      const minuteStart = options.start + m * MINUTE;
      carry += (weights[m] ?? 1) * perWeight * (0.75 + 0.5 * jitter.next());
      const count = Math.floor(carry);
      carry -= count;
      const rareAllowed = plan.slots.allowsRare(name, minuteStart);
      // Counting the requests of each second keeps them in time order without sorting millions of numbers.
      perSecond.fill(0);
      for (let i = 0; i < count; i++) {
        const second = jitter.int(60);
        perSecond[second] = (perSecond[second] ?? 0) + 1;
      }
      const records: W3cRecord[] = [];
      for (let second = 0; second < 60; second++) {
        for (let k = perSecond[second] ?? 0; k > 0; k--) {
          records.push(traffic.request(minuteStart + second * 1000, rareAllowed));
        }
      }
      let merged = false;
      for (let p = planted[next]; p !== undefined && p.time < minuteStart + MINUTE; p = planted[++next]) {
        records.push(p);
        merged = true;
      }
      if (merged) records.sort((a, b) => a.time - b.time);
      for (const record of records) writer.write(record);
    }
    writer.close();
    stats.files.push(...writer.files);
    stats.lines += writer.lines;
  }
  return stats;
}
