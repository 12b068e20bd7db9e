import { firstDnsLabel } from "../../entities/readHost.js";
import { type DeviceProcessRow, PROCESS_CREATED } from "../../model/DeviceProcessRow.js";
import { type EngineOptions, inRange, type TimeRange } from "../../model/EngineOptions.js";
import { processIdentity, type ProcessObservation } from "../../model/ProcessObservation.js";
import { ApproximateKeySet } from "./ApproximateKeySet.js";

/**
 * How many generations below a direct child or grandchild of the web server worker a process may be and still be
 * found, each linked to its parent's row (docs/design.md §4.12). The workspace query joins as many times
 * (`buildDeviceProcessQuery`), so both places find the same processes.
 */
export const MAX_LINKED_GENERATIONS = 3;

/**
 * The web-shell processes among `DeviceProcessEvents` rows (docs/design.md §4.12): process creations
 * (`ActionType == "ProcessCreated"`) whose image is not a worker and
 * - whose initiating process, or that process's parent, is a web server worker (`w3wp.exe`): a command a web shell
 *   started, or the command's own child; or
 * - whose initiating process (`InitiatingProcessId` + `InitiatingProcessCreationTime`, on the same device) is one
 *   of these, up to {@link MAX_LINKED_GENERATIONS} links deep: the deeper descendants.
 *
 * Rows may come in any order (Advanced Hunting exports newest first), so a row whose parent is not known yet is
 * offered again in a later pass. Only the kept rows are held, never the rows offered: memory grows with the
 * web-shell processes, not with the input. To tell whether another pass can find anything, the tree remembers, in
 * fixed memory, which parents the rows it turned down in this pass asked for: another pass is needed only when it
 * later kept one of them (or, rarely, when the approximate memory says so wrongly).
 */
export class WebShellProcessTree {
  /** The rows kept, in the order they were kept (one per process). */
  readonly rows: DeviceProcessRow[] = [];
  /** Links below a direct child or grandchild of the worker, per kept process. */
  private readonly links = new Map<string, number>();
  private readonly workers: ReadonlySet<string>;
  /** Parents asked for by the rows turned down since `startPass`. */
  private readonly asked = new ApproximateKeySet(23);
  private relinked = false;

  constructor(workerImages: readonly string[]) {
    this.workers = new Set(workerImages.map((image) => image.toLowerCase()));
  }

  /** Begins a pass over the rows: what `needsAnotherPass` says is about the offers from here on. */
  startPass(): void {
    this.asked.clear();
    this.relinked = false;
  }

  /**
   * Whether a row turned down in this pass may be kept in another: this pass kept a process that a row offered
   * before it had asked for as its parent.
   */
  get needsAnotherPass(): boolean {
    return this.relinked;
  }

  /**
   * The web-shell processes of `rows` as observations, one per row kept (duplicates of a process left to
   * `mergeObservations`): the rows in `range` (a hunting query's time range, by `TimeGenerated`) are offered until
   * a pass keeps nothing new.
   */
  static observe(
    rows: readonly DeviceProcessRow[],
    options: Pick<EngineOptions, "workerImages">,
    range: TimeRange | undefined,
  ): ProcessObservation[] {
    const tree = new WebShellProcessTree(options.workerImages);
    const inWindow = rows.filter((row) => inRange(row.TimeGenerated, range));
    do {
      tree.startPass();
      for (const row of inWindow) tree.offer(row);
    } while (tree.needsAnotherPass);
    return tree.rows.map(toObservation);
  }

  /** Keeps the row when it is a web-shell process not kept before; returns whether it did. */
  offer(row: DeviceProcessRow): boolean {
    if (row.ActionType !== PROCESS_CREATED || this.isWorker(row.FileName)) return false;
    const key = processKey(row);
    if (this.links.has(key)) return false;
    let links: number | undefined;
    if (this.isWorker(row.InitiatingProcessFileName) || this.isWorker(row.InitiatingProcessParentFileName)) {
      links = 0;
    } else {
      const parent = parentKey(row);
      if (parent === undefined) return false;
      const parentLinks = this.links.get(parent);
      if (parentLinks === undefined || parentLinks >= MAX_LINKED_GENERATIONS) {
        this.asked.add(parent);
        return false;
      }
      links = parentLinks + 1;
    }
    if (this.asked.has(key)) this.relinked = true;
    this.links.set(key, links);
    this.rows.push(row);
    return true;
  }

  private isWorker(image: string): boolean {
    return this.workers.has(image.trim().toLowerCase());
  }
}

/** The device a row is on: its `DeviceId`, else its short name (exports that leave the id out). */
function deviceOf(row: DeviceProcessRow): string {
  const id = row.DeviceId.trim().toLowerCase();
  return id !== "" ? id : `name:${firstDnsLabel(row.DeviceName)}`;
}

function processKey(row: DeviceProcessRow): string {
  return `${deviceOf(row)}\u0000${row.ProcessId}\u0000${row.ProcessCreationTime}`;
}

/** The key of the row's initiating process; `undefined` when the row does not say which it was. */
function parentKey(row: DeviceProcessRow): string | undefined {
  if (row.InitiatingProcessId === "" || row.InitiatingProcessCreationTime === undefined) return undefined;
  return `${deviceOf(row)}\u0000${row.InitiatingProcessId}\u0000${row.InitiatingProcessCreationTime}`;
}

function toObservation(row: DeviceProcessRow): ProcessObservation {
  const name = row.DeviceName.trim();
  const dot = name.indexOf(".");
  const host = {
    hostName: name,
    dnsDomain: dot === -1 ? "" : name.slice(dot + 1),
    shortName: firstDnsLabel(name),
    // DeviceProcessEvents names the device but not its addresses; `mergeObservations` lends it an alert's.
    addresses: [],
  };
  return {
    identity: processIdentity(host, row.ProcessId, row.ProcessCreationTime, ""),
    sources: ["DeviceProcessEvents"],
    alert: null,
    host,
    processId: row.ProcessId,
    processName: row.FileName,
    commandLine: row.ProcessCommandLine,
    creationTime: row.ProcessCreationTime,
    parentProcessName: row.InitiatingProcessFileName,
    anchor: row.ProcessCreationTime,
    signal: "process-tree",
  };
}
