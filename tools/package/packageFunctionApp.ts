import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

import { type Zippable, zipSync } from "fflate";

/** Where the packager reads and writes; every path is absolute. */
export interface PackageOptions {
  /** The project root: `package.json`, `package-lock.json`, `host.json` and the compiled `dist/`. */
  readonly root: string;
  /** The zip to write (`dist/functionapp.zip`). */
  readonly out: string;
  /** Where the production dependencies are installed and kept between runs (`dist/functionapp-deps`). */
  readonly depsDir: string;
}

export interface PackageResult {
  readonly zipPath: string;
  readonly zipBytes: number;
  readonly files: number;
  readonly unpackedBytes: number;
  /** False when the production dependencies installed by an earlier run still matched the lock file. */
  readonly installed: boolean;
}

/** The compiled folders the function app runs; `bin/` (the command) and `tools/` are not part of it. */
const APP_FOLDERS = ["functions", "lib"] as const;

/** Every entry gets this time, so that the same inputs give the same bytes (zip times have no zone). */
const ENTRY_TIME = new Date("2000-01-01T00:00:00");

interface ProjectPackage {
  readonly name: string;
  readonly version: string;
  readonly engines?: Record<string, string>;
  readonly dependencies: Record<string, string>;
}

/**
 * Writes the deployment package of the function app (docs/design.md §7, "Deployment package"): a zip whose root
 * holds `host.json`, a `package.json` whose `main` names the compiled functions, the compiled `functions/` and
 * `lib/`, and the production dependencies installed from the lock file. That root is what the Functions host
 * expects at `wwwroot`, and what Flex Consumption's one-deploy takes as is (no build on the platform).
 */
export function packageFunctionApp(options: PackageOptions): PackageResult {
  const project = JSON.parse(readFileSync(join(options.root, "package.json"), "utf8")) as ProjectPackage;
  const entries: Zippable = {};
  let unpackedBytes = 0;
  const add = (name: string, data: Uint8Array): void => {
    entries[name] = data;
    unpackedBytes += data.byteLength;
  };

  add("host.json", readFileSync(join(options.root, "host.json")));
  add("package.json", Buffer.from(`${JSON.stringify(appPackageJson(project), null, 2)}\n`));
  for (const folder of APP_FOLDERS) {
    const compiled = join(options.root, "dist", folder);
    if (!existsSync(compiled))
      throw new Error(`expected the compiled ${folder}/ in ${compiled}: run npm run build`);
    // Source maps and type declarations stay out: the host runs the JavaScript only.
    for (const file of listFiles(compiled))
      if (file.endsWith(".js")) add(`${folder}/${file}`, readFileSync(join(compiled, file)));
  }
  const installed = installProductionDependencies(options);
  const modules = join(options.depsDir, "node_modules");
  for (const file of listFiles(modules)) {
    // npm's own bookkeeping and command shims (symbolic links, skipped by listFiles) are not needed to run.
    if (file === ".package-lock.json") continue;
    add(`node_modules/${file}`, readFileSync(join(modules, file)));
  }

  const sorted: Zippable = {};
  for (const name of Object.keys(entries).sort()) sorted[name] = entries[name]!;
  const zip = zipSync(sorted, { level: 6, mtime: ENTRY_TIME });
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, zip);
  return {
    zipPath: options.out,
    zipBytes: zip.byteLength,
    files: Object.keys(sorted).length,
    unpackedBytes,
    installed,
  };
}

/** The `package.json` the host reads: the module type, where the functions are, and what they need. */
function appPackageJson(project: ProjectPackage): Record<string, unknown> {
  return {
    name: project.name,
    version: project.version,
    private: true,
    type: "module",
    main: "functions/*.js",
    ...(project.engines === undefined ? {} : { engines: project.engines }),
    dependencies: project.dependencies,
  };
}

/**
 * Installs the production dependencies exactly as the lock file pins them (`npm ci --omit=dev`), into a folder
 * kept between runs: it is reinstalled only when `package.json`'s dependencies or the lock file change. npm's
 * own cache is used first (`--prefer-offline`), so a machine that ran `npm ci` fetches nothing again.
 */
function installProductionDependencies(options: PackageOptions): boolean {
  const lock = readFileSync(join(options.root, "package-lock.json"));
  const manifest = readFileSync(join(options.root, "package.json"));
  const stamp = createHash("sha256").update(manifest).update(lock).digest("hex");
  const stampFile = join(options.depsDir, "installed-from.sha256");
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp) return false;

  rmSync(options.depsDir, { recursive: true, force: true });
  mkdirSync(options.depsDir, { recursive: true });
  // npm ci checks package.json against the lock file, so both go in unchanged; --omit=dev leaves the dev tools out.
  writeFileSync(join(options.depsDir, "package.json"), manifest);
  writeFileSync(join(options.depsDir, "package-lock.json"), lock);
  execFileSync(
    "npm",
    [
      "ci",
      "--omit=dev",
      "--ignore-scripts",
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
    ],
    { cwd: options.depsDir, stdio: ["ignore", "ignore", "inherit"], shell: process.platform === "win32" },
  );
  writeFileSync(stampFile, stamp);
  return true;
}

/** The regular files under a folder, as `/`-separated relative paths; symbolic links are left out. */
function listFiles(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    const name = `${prefix}${entry.name}`;
    if (entry.isDirectory()) return listFiles(path, `${name}/`);
    return entry.isFile() && !lstatSync(path).isSymbolicLink() ? [name] : [];
  });
}
