import type { ImageFile, PlannedProcess } from "./Plan.js";
import type { Random } from "./Random.js";

const SYSTEM32 = "C:\\Windows\\System32";
const DIRECTORIES: Readonly<Record<string, string>> = {
  "w3wp.exe": "c:\\windows\\system32\\inetsrv",
  "powershell.exe": "C:\\Windows\\System32\\WindowsPowerShell\\v1.0",
  "csc.exe": "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319",
  "cvtres.exe": "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319",
  "explorer.exe": "C:\\Windows",
};

/**
 * Makes the process and file entities of alerts: one file (with stable hashes) per image, one `w3wp.exe` per
 * host and application-pool start (shared by every alert of that period, as on a real server), and process ids
 * and creation times written the way Defender writes them.
 */
export class ProcessFactory {
  private readonly images = new Map<string, ImageFile>();
  private readonly workers = new Map<string, PlannedProcess>();

  constructor(private readonly random: Random) {}

  /** The file entity of an image, the same object every time (so `$ref`s can point at it). */
  image(name: string): ImageFile {
    let image = this.images.get(name);
    if (image === undefined) {
      const r = this.random.fork(`image:${name}`);
      const created = Date.UTC(2021, 0, 1) + r.int(3 * 365) * 86_400_000 + r.int(86_400) * 1000;
      image = {
        name,
        directory: DIRECTORIES[name] ?? SYSTEM32,
        sha1: r.hex(40),
        md5: r.hex(32),
        sha256: r.hex(64),
        createdText: ticksText(created, r),
      };
      this.images.set(name, image);
    }
    return image;
  }

  /** A process started at `created` (epoch ms) by `parent`. */
  process(
    imageName: string,
    commandLine: string,
    created: number,
    parent: PlannedProcess | undefined,
  ): PlannedProcess {
    return {
      processId: String(this.random.between(250, 12_000) * 4),
      commandLine,
      image: this.image(imageName),
      created,
      createdText: ticksText(created, this.random),
      parent,
    };
  }

  /** The IIS worker of an application pool started at `startedAt` on a machine. */
  worker(machine: string, appPool: string, startedAt: number): PlannedProcess {
    const key = `${machine}|${appPool}|${startedAt}`;
    let worker = this.workers.get(key);
    if (worker === undefined) {
      const pipe = this.random.guid();
      const commandLine =
        `c:\\windows\\system32\\inetsrv\\w3wp.exe -ap "${appPool}" -v "v4.0" -l "webengine4.dll" -a \\\\.\\pipe\\iisipm${pipe} ` +
        `-h "C:\\inetpub\\temp\\apppools\\${appPool}\\${appPool}.config" -w "" -m 0 -t 20 -ta 0`;
      worker = this.process("w3wp.exe", commandLine, startedAt, undefined);
      this.workers.set(key, worker);
    }
    return worker;
  }
}

/** ISO 8601 UTC with seven fraction digits (Kusto ticks), the last four drawn: how Defender writes times. */
export function ticksText(ms: number, random: Random): string {
  return `${new Date(ms).toISOString().slice(0, 23)}${String(random.int(10_000)).padStart(4, "0")}Z`;
}
