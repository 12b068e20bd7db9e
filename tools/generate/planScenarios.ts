import type { GenerateOptions } from "./GenerateOptions.js";
import type { IpAllocator } from "./IpAllocator.js";
import type { Plan } from "./Plan.js";
import {
  plantCompilation,
  plantHostWithoutLogs,
  plantInteractiveCommand,
  plantSecurityCenter,
} from "./plantDecoys.js";
import {
  plantClassicShell,
  plantHostNameCase,
  plantLoadBalanced,
  plantPathCase,
  plantServerIpOnly,
  plantTwoUserAgents,
} from "./plantFindings.js";
import { plantLegacyAlerts } from "./plantLegacyAlerts.js";
import { plantLegacyPair } from "./plantLegacyPair.js";
import {
  plantBrokenEntities,
  plantFourClients,
  plantHoursAway,
  plantWorkstationAlert,
} from "./plantNearMisses.js";
import { plantPopularitySeeds } from "./plantPopularitySeeds.js";
import { plantNoAlertServer, plantOneCommandAlerted } from "./plantUnalerted.js";
import type { Random } from "./Random.js";
import { ScenarioBuilder } from "./ScenarioBuilder.js";
import { SlotPlan } from "./SlotPlan.js";
import type { IisHost, Topology } from "./Topology.js";

const DAY = 86_400_000;
/** Most slots one host can need in one round (scenarios rotate over hosts), with room for benign long tail. */
const SLOTS_PER_ROUND = 8;
const MAX_ROUNDS = 11;

/**
 * How many times the scenario set is repeated: once for the sample, growing with the square root of the size
 * (about 11 times, ~180 alerts, at 10 million lines), capped by the free slots of a host.
 */
export function roundsFor(options: GenerateOptions, usableSlots: number): number {
  const wanted = Math.max(1, Math.min(MAX_ROUNDS, Math.floor(Math.sqrt(options.lines / 20_000))));
  return Math.max(1, Math.min(wanted, Math.floor(usableSlots / SLOTS_PER_ROUND)));
}

/**
 * Plans every alert, every planted request and every process the machines' sensors record: the scenarios that
 * precise mode must find (1-9), the decoys it must not report, and the popularity seeds that make popular pages
 * popular whatever the size.
 */
export function planScenarios(
  random: Random,
  topology: Topology,
  ips: IpAllocator,
  options: GenerateOptions,
): Plan {
  const slots = new SlotPlan(options.start, options.start + options.days * DAY);
  const s = new ScenarioBuilder(random.fork("scenarios"), topology, slots, ips);
  const [web01, web02, web03, web04, web05] = ["web01", "web02", "web03", "web04", "web05"].map((name) =>
    s.iisHost(name),
  ) as [IisHost, IisHost, IisHost, IisHost, IisHost];
  const rotation = [web01, web02, web03, web04];
  const rounds = roundsFor(options, slots.usable);
  for (let round = 0; round < rounds; round++) {
    const rotate = (offset: number) => rotation[(offset + round) % rotation.length] ?? web01;
    plantClassicShell(s, rotate(0));
    plantHostNameCase(s, web02);
    plantServerIpOnly(s, web04);
    plantLoadBalanced(s, web03);
    plantTwoUserAgents(s, rotate(0));
    plantPathCase(s, rotate(1), round);
    plantLegacyPair(s, [web01, web02]);
    // Hosts that log s-computername: DeviceProcessEvents names a device, not its address.
    plantOneCommandAlerted(s, [web01, web02, web03][round % 3] ?? web01);
    plantNoAlertServer(s, web05);
    plantCompilation(s, rotate(0));
    plantInteractiveCommand(s, rotate(1));
    plantSecurityCenter(s, rotate(0));
    plantHostWithoutLogs(s, topology.appServer, web04);
    plantHoursAway(s, rotate(2));
    plantFourClients(s, rotate(1));
    plantBrokenEntities(s, rotate(2));
    const workstation = topology.workstations[round % topology.workstations.length];
    if (workstation !== undefined)
      plantWorkstationAlert(s, workstation, slots.slotStart(s.random.between(1, slots.usable)));
  }
  if (options.legacyAlerts !== undefined) plantLegacyAlerts(s, [web01, web02], options.legacyAlerts);
  plantPopularitySeeds(s, options);
  return {
    alerts: s.alerts,
    planted: s.planted,
    deviceProcesses: s.deviceProcesses,
    decoys: s.decoys,
    slots,
    rounds,
  };
}
