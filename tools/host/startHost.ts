import { spawn } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import { delimiter, join } from "node:path";

/** What `startHost` needs from its surroundings; the command passes the real ones, tests their own. */
export interface StartHostOptions {
  /** The project root: `host.json`, `package.json`, `local.settings.json`. */
  readonly root: string;
  /** The PATH to look for Core Tools' `func` in. */
  readonly path: string | undefined;
  readonly stderr: { write(text: string): unknown };
  readonly platform?: NodeJS.Platform;
}

export const NO_CORE_TOOLS =
  "start:host: Azure Functions Core Tools 4 (`func`) is not on PATH. Install them as the README's " +
  '"Run locally" says (for example `npm install --global azure-functions-core-tools@4`, or your system\'s ' +
  "package), then run `npm run start:host` again.\n" +
  "Without Azure or Core Tools, `npm start` runs the same engine offline on the bundled sample.\n";

export const NO_LOCAL_SETTINGS =
  "start:host: local.settings.json is missing. Copy local.settings.example.json to local.settings.json and " +
  'replace its workspace placeholders (README, "Run locally"); the Functions host reads its settings there.\n';

/**
 * Runs the function app in the Functions host (`func start` in the project root, which the build has compiled),
 * and resolves with the host's exit code. Without Core Tools on PATH, or without `local.settings.json`, it says
 * what to do and resolves with 1 instead of starting anything.
 */
export async function startHost(options: StartHostOptions): Promise<number> {
  const func = findExecutable("func", options.path, options.platform ?? process.platform);
  if (func === undefined) {
    options.stderr.write(NO_CORE_TOOLS);
    return 1;
  }
  if (!existsSync(join(options.root, "local.settings.json"))) {
    options.stderr.write(NO_LOCAL_SETTINGS);
    return 1;
  }
  const child = spawn(func, ["start"], {
    cwd: options.root,
    stdio: "inherit",
    // func on Windows is a .cmd shim, which only a shell can run.
    shell: (options.platform ?? process.platform) === "win32",
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve(code ?? (signal === null ? 1 : 128 + signalNumber(signal))));
  });
}

/** The first `name` on PATH that this user may run (`name.cmd`/`.exe` on Windows). */
export function findExecutable(
  name: string,
  path: string | undefined,
  platform: NodeJS.Platform,
): string | undefined {
  const names = platform === "win32" ? [`${name}.cmd`, `${name}.exe`, name] : [name];
  for (const dir of (path ?? "").split(delimiter).filter((entry) => entry !== "")) {
    for (const candidate of names) {
      const file = join(dir, candidate);
      try {
        accessSync(file, platform === "win32" ? constants.F_OK : constants.X_OK);
        return file;
      } catch {
        // not here, or not runnable: try the next one
      }
    }
  }
  return undefined;
}

function signalNumber(signal: NodeJS.Signals): number {
  return signal === "SIGINT" ? 2 : signal === "SIGTERM" ? 15 : 1;
}
