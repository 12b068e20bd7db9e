import type { CommandKit } from "./commandKits.js";
import type { PlannedProcess } from "./Plan.js";
import type { ScenarioBuilder } from "./ScenarioBuilder.js";
import type { Client, IisHost } from "./Topology.js";

/** Plants POSTs to a shell at `times`, the i-th running `kits[i]` (if any) while it executes; returns the processes. */
export function postCommands(
  s: ScenarioBuilder,
  host: IisHost,
  page: string,
  client: Client,
  times: readonly number[],
  kits: readonly (CommandKit | undefined)[],
): PlannedProcess[] {
  const processes: PlannedProcess[] = [];
  times.forEach((time, i) => {
    const kit = kits[i];
    const record = s.request(host, time, {
      stem: page,
      method: "POST",
      client,
      timeTaken: kit === undefined ? s.random.between(150, 900) : s.random.between(1800, 4000),
    });
    if (kit !== undefined) processes.push(...s.runDuring(record, s.workerOf(host, time), [kit]));
  });
  return processes;
}
