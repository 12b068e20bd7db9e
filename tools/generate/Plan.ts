import type { SlotPlan } from "./SlotPlan.js";
import type { IisHost, Machine } from "./Topology.js";
import type { W3cRecord } from "./W3cRecord.js";

/** An executable image as Defender describes it (a `file` entity). */
export interface ImageFile {
  name: string;
  directory: string;
  sha1: string;
  md5: string;
  sha256: string;
  createdText: string;
}

/** A process in an alert: its image, command line and parent (undefined at the top of the known chain). */
export interface PlannedProcess {
  processId: string;
  commandLine: string;
  image: ImageFile;
  /** `CreationTimeUtc` as epoch ms, truncated as the engine parses it. */
  created: number;
  /** `CreationTimeUtc` as written (7 fraction digits, as Defender writes it). */
  createdText: string;
  parent: PlannedProcess | undefined;
}

/**
 * How the alert's `Entities` are laid out: `defender` nests entities at first use and leaves `$ref` stubs (real
 * Defender for Endpoint), `legacy` puts every entity at the top level (what the original query can read), `asc`
 * is the Azure Security Center shape (flat, with host references).
 */
export type EntityShape = "defender" | "legacy" | "asc";

/** One planned SecurityAlert row. */
export interface PlannedAlert {
  scenario: string;
  shape: EntityShape;
  systemAlertId: string;
  vendorOriginalId: string;
  providerName: string;
  productName: string;
  alertName: string;
  alertType: string;
  severity: string;
  description: string;
  tactics: string;
  techniques: string;
  machine: Machine;
  /** `HostName` as the host entity writes it (Defender: lower case; legacy rows: as IIS logs it). */
  hostName: string;
  /** The account the processes ran as (`IIS APPPOOL\\<pool>` for a web shell). */
  account: { name: string; ntDomain: string; sid: string };
  /** Process entities in the order the alert lists them; their parents are reachable through `parent`. */
  processes: PlannedProcess[];
  /** Extra top-level file entities (the legacy shape lists `w3wp.exe` and the command's image this way). */
  files: ImageFile[];
  timeGenerated: number;
  /** `Entities` is cut short (invalid JSON), as a decoy the engine must report and skip. */
  brokenEntities: boolean;
}

/** A request written into a host's log at its time, among the benign traffic. */
export interface PlantedRequest {
  host: IisHost;
  record: W3cRecord;
}

/** The account a process runs as, as Defender names it. */
export type ProcessAccount = PlannedAlert["account"];

/** A process the Defender sensor of a machine recorded: one `DeviceProcessEvents` row. */
export interface DeviceProcess {
  /** The scenario that ran it. */
  scenario: string;
  machine: Machine;
  account: ProcessAccount;
  process: PlannedProcess;
}

/** Something precise mode must not report, and why. */
export interface Decoy {
  scenario: string;
  why: string;
  SystemAlertId?: string;
  page?: string;
}

/** Everything planned before the IIS logs are streamed out. */
export interface Plan {
  alerts: PlannedAlert[];
  planted: PlantedRequest[];
  /** Every process the machines' sensors recorded for the scenarios (alerted or not), with a console host per cmd.exe. */
  deviceProcesses: DeviceProcess[];
  decoys: Decoy[];
  slots: SlotPlan;
  /** Number of times the scenario set was repeated (grows with `--lines`). */
  rounds: number;
}
