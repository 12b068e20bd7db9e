import { buildRequest, type RequestInit } from "./buildRequest.js";
import type { CommandKit } from "./commandKits.js";
import type { IpAllocator } from "./IpAllocator.js";
import { isBenignPage } from "./pageCatalog.js";
import type {
  Decoy,
  DeviceProcess,
  PlannedAlert,
  PlannedProcess,
  PlantedRequest,
  ProcessAccount,
} from "./Plan.js";
import { ProcessFactory } from "./ProcessFactory.js";
import type { Random } from "./Random.js";
import { SLOT_MARGIN_MS, type SlotPlan } from "./SlotPlan.js";
import type { Client, IisHost, Machine, Topology } from "./Topology.js";
import { ATTACKER_TOOL_USER_AGENTS, toW3cUserAgent } from "./userAgents.js";
import type { W3cRecord } from "./W3cRecord.js";

/** The fields of an alert a scenario chooses; the builder fills in ids and times. */
export type AlertInit = Omit<
  PlannedAlert,
  "systemAlertId" | "vendorOriginalId" | "timeGenerated" | "files" | "brokenEntities" | "hostName"
> &
  Partial<Pick<PlannedAlert, "files" | "brokenEntities" | "hostName">> & { delayMs?: number };

/**
 * The toolbox scenarios are written with: slots, unique shell pages, attackers with fresh addresses, planted
 * requests, commands run inside a request, and alerts. It collects what the scenarios plant.
 */
export class ScenarioBuilder {
  readonly alerts: PlannedAlert[] = [];
  readonly planted: PlantedRequest[] = [];
  readonly deviceProcesses: DeviceProcess[] = [];
  readonly decoys: Decoy[] = [];
  readonly processes: ProcessFactory;
  private readonly pages = new Set<string>();
  private readonly recorded = new Set<PlannedProcess>();

  constructor(
    readonly random: Random,
    readonly topology: Topology,
    readonly slots: SlotPlan,
    private readonly ips: IpAllocator,
  ) {
    this.processes = new ProcessFactory(random.fork("processes"));
  }

  /** The IIS host with this Defender host name. */
  iisHost(hostName: string): IisHost {
    const host = this.topology.iisHosts.find((h) => h.machine.hostName === hostName);
    if (host === undefined) throw new RangeError(`ScenarioBuilder: no IIS host "${hostName}"`);
    return host;
  }

  /** Takes a slot free on all the hosts; returns a whole-second time where the slot's planted events start. */
  slotTime(hosts: readonly IisHost[], accept?: (index: number) => boolean): number {
    const index = this.slots.take(
      this.random,
      hosts.map((h) => h.machine.hostName),
      accept,
    );
    return this.slots.slotStart(index) + SLOT_MARGIN_MS + this.random.int(120) * 1000;
  }

  /** A page name used by nothing else in the data set (`dir` ends with `/`). */
  shellPage(dir: string, extension: string): string {
    for (;;) {
      const length = this.random.between(5, 9);
      let name = "";
      for (let i = 0; i < length; i++) name += "abcdefghijklmnopqrstuvwxyz0123456789"[this.random.int(36)];
      const page = `${dir}${name}${extension}`;
      if (this.claimPage(page)) return page;
    }
  }

  /**
   * Reserves a given page name for this data set.
   *
   * @returns false when it is taken (by a scenario, or by benign traffic's catalog).
   */
  claimPage(page: string): boolean {
    const lower = page.toLowerCase();
    if (this.pages.has(lower) || isBenignPage(lower)) return false;
    this.pages.add(lower);
    return true;
  }

  /** An attacker: a fresh hosting-provider address and a tool's user agent. */
  attacker(userAgent = this.random.pick(ATTACKER_TOOL_USER_AGENTS)): Client {
    return { ip: this.ips.hosting(), userAgent: toW3cUserAgent(userAgent) };
  }

  /** A client seen nowhere else: a fresh residential address with a browser. */
  stranger(): Client {
    return { ip: this.ips.client(), userAgent: this.random.pick(this.topology.clients).userAgent };
  }

  /** A benign client from the population (its address counts towards page popularity like any other). */
  benignClient(): Client {
    return this.random.pick(this.topology.clients);
  }

  /** Plants a request on a host at `time` (whole second); unspecified parts get plausible values. */
  request(
    host: IisHost,
    time: number,
    init: Partial<RequestInit> & Pick<RequestInit, "stem" | "client">,
  ): W3cRecord {
    const method = init.method ?? "GET";
    const site = init.site ?? host.sites[0];
    if (site === undefined) throw new RangeError(`ScenarioBuilder: host ${host.computerName} has no site`);
    const record = buildRequest(host, time, {
      site,
      method,
      query: "",
      status: 200,
      timeTaken: this.random.between(60, 400),
      referer: "",
      scBytes: this.random.between(400, 9000),
      csBytes: method === "POST" ? this.random.between(600, 4000) : this.random.between(250, 700),
      ...init,
    });
    this.planted.push({ host, record });
    return record;
  }

  /** The `w3wp.exe` serving a host at `time`: started by the last application-pool recycle before it. */
  workerOf(host: IisHost, time: number): PlannedProcess {
    const recycle = host.recycles.filter((t) => t <= time).at(-1) ?? this.slots.start - 7 * 3_600_000;
    return this.processes.worker(host.machine.hostName, host.appPool, recycle);
  }

  /**
   * Starts the kits' processes inside the request's execution interval ([time - time-taken, time]): each kit's
   * program under `parent`, then its child a little later. Returns them in creation order.
   *
   * @throws RangeError when the request is too short to hold them (a planning bug: the truth relies on it).
   */
  runDuring(record: W3cRecord, parent: PlannedProcess, kits: readonly CommandKit[]): PlannedProcess[] {
    const started = record.time - record.timeTaken;
    const room = Math.max(1, record.timeTaken - 400 - 850 * kits.length);
    const out: PlannedProcess[] = [];
    let at = started + 150;
    for (const kit of kits) {
      at += this.random.int(Math.max(1, Math.floor(room / kits.length)));
      const program = this.processes.process(kit.image, kit.commandLine, at, parent);
      out.push(program);
      at += 300;
      if (kit.child !== undefined) {
        const childAt = at + this.random.between(40, 250);
        out.push(this.processes.process(kit.child.image, kit.child.commandLine, childAt, program));
      }
      at += 550;
    }
    const last = out.at(-1);
    if (
      last !== undefined &&
      (last.created > record.time || out[0] === undefined || out[0].created < started)
    ) {
      throw new RangeError(
        `runDuring: ${kits.length} command(s) do not fit in a ${record.timeTaken} ms request`,
      );
    }
    return out;
  }

  /**
   * Records processes as the machine's Defender sensor saw them (its `DeviceProcessEvents` rows): each with its
   * ancestors, and for each `cmd.exe` the console host (`conhost.exe`) Windows starts for it a few milliseconds
   * later. A process is recorded once, whichever scenario or alert names it again.
   */
  ran(
    scenario: string,
    machine: Machine,
    account: ProcessAccount,
    processes: readonly PlannedProcess[],
  ): void {
    for (const process of processes) {
      for (
        let p: PlannedProcess | undefined = process;
        p !== undefined && !this.recorded.has(p);
        p = p.parent
      ) {
        this.recorded.add(p);
        this.deviceProcesses.push({ scenario, machine, account, process: p });
        if (p.image.name !== "cmd.exe") continue;
        const conhost = this.processes.process(
          "conhost.exe",
          "\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1",
          p.created + this.random.between(8, 30),
          p,
        );
        this.recorded.add(conhost);
        this.deviceProcesses.push({ scenario, machine, account, process: conhost });
      }
    }
  }

  /**
   * Records an alert raised `delayMs` (default 45 min to 3.5 h) after its last process; the sensor recorded its
   * processes too (see {@link ran}).
   */
  alert(init: AlertInit): PlannedAlert {
    const { delayMs, ...fields } = init;
    const last = Math.max(...init.processes.map((p) => p.created));
    const delay = delayMs ?? this.random.between(45 * 60, 210 * 60) * 1000 + this.random.int(1000);
    const alert: PlannedAlert = {
      files: [],
      brokenEntities: false,
      hostName: init.machine.hostName,
      ...fields,
      systemAlertId: this.random.guid(),
      vendorOriginalId: `${this.random.guid()}_1`,
      timeGenerated: last + delay,
    };
    this.alerts.push(alert);
    this.ran(alert.scenario, alert.machine, alert.account, alert.processes);
    return alert;
  }

  /** Records a decoy: something present in the data that precise mode must not report. */
  decoy(decoy: Decoy): void {
    this.decoys.push(decoy);
  }
}
