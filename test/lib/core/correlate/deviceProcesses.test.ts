import { describe, expect, it } from "vitest";

import { MAX_LINKED_GENERATIONS } from "../../../../lib/core/correlate/precise/WebShellProcessTree.js";
import type { DeviceProcessRow } from "../../../../lib/core/model/DeviceProcessRow.js";
import {
  at,
  childOf,
  command,
  correlate,
  deviceProcess,
  entity,
  mdeAlert,
  request,
  visitors,
} from "../../../support/timeline.js";

// DeviceProcessEvents as a second process source (docs/design.md §4.12), as timelines on web01: the shell
// /uploads/help.aspx, attacker 203.0.113.77. w3wp.exe 4816 starts cmd.exe 7340 at 10:15:30.517 (the alert fixture's
// command, which the alert also names with powershell.exe 7512), and the session's other commands.

const cmd = deviceProcess();
const secondCommand = command(7604, "10:16:40.120", "cmd.exe /c net user");
const thirdCommand = command(7720, "10:17:55.300", "cmd.exe /c systeminfo");
const session = [request("10:15:31"), request("10:16:41"), request("10:17:56")];
const lines = (records: { ProcessCommandLine: string }[]) => records.map((r) => r.ProcessCommandLine);

describe("commands that raised no alert", () => {
  it("finds a command from DeviceProcessEvents alone, with no alert fields", () => {
    const { records } = correlate("precise", { processes: [cmd] }, [request("10:15:31")]);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      ProcessSource: "DeviceProcessEvents",
      SystemAlertId: "",
      AlertName: "",
      AlertTime: null,
      HostName: "web01",
      DnsDomain: "contoso.local",
      ProcessName: "cmd.exe",
      ProcessId: "7340",
      ProcessCreationTime: at("10:15:30.517"),
      ParentProcessName: "w3wp.exe",
      ShellLocation: "/uploads/help.aspx",
      AttackerIP: "203.0.113.77",
    });
  });

  it("finds the session's other commands when only one of them alerted", () => {
    const alertOnly = correlate("precise", [mdeAlert()], session).records;
    expect(lines(alertOnly)).toEqual([
      'cmd.exe /c "cd /d C:\\inetpub\\wwwroot\\uploads & whoami /all"',
      'powershell.exe -nop -w hidden -c "Get-LocalGroupMember Administrators"',
    ]);
    const both = correlate(
      "precise",
      { alerts: [mdeAlert()], processes: [thirdCommand, secondCommand, cmd] },
      session,
    ).records;
    expect(both.map((r) => [r.ProcessCommandLine, r.ProcessSource, r.SystemAlertId])).toEqual([
      [lines(alertOnly)[0], "SecurityAlert,DeviceProcessEvents", "0e7c4a1b-2f3d-4e5a-9b8c-7d6e5f4a3b2c"],
      [lines(alertOnly)[1], "SecurityAlert", "0e7c4a1b-2f3d-4e5a-9b8c-7d6e5f4a3b2c"],
      ["cmd.exe /c net user", "DeviceProcessEvents", ""],
      ["cmd.exe /c systeminfo", "DeviceProcessEvents", ""],
    ]);
  });

  it("makes one record of a process both sources saw, whose id does not depend on which saw it", () => {
    const requests = [request("10:15:31")];
    const id = (records: { ProcessId: string; RecordId: string }[]) =>
      records.find((r) => r.ProcessId === "7340")?.RecordId;
    const fromAlert = correlate("precise", [mdeAlert()], requests).records;
    const fromRows = correlate("precise", { processes: [cmd] }, requests).records;
    const fromBoth = correlate("precise", { alerts: [mdeAlert()], processes: [cmd] }, requests).records;
    expect(fromBoth.filter((r) => r.ProcessId === "7340")).toHaveLength(1);
    expect(id(fromAlert)).toBeDefined();
    expect([id(fromRows), id(fromBoth)]).toEqual([id(fromAlert), id(fromAlert)]);
  });

  it("carries the earliest alert when two alerts name the process", () => {
    const later = mdeAlert({
      row: { SystemAlertId: "1f8d5b2c-3a4e-4f6b-8c9d-0e1f2a3b4c5d", TimeGenerated: "2026-11-20T15:02:00Z" },
    });
    const { records } = correlate("precise", { alerts: [later, mdeAlert()], processes: [cmd] }, [
      request("10:15:31"),
    ]);
    expect(records.map((r) => [r.ProcessId, r.SystemAlertId, r.AlertTime])).toEqual([
      ["7340", "0e7c4a1b-2f3d-4e5a-9b8c-7d6e5f4a3b2c", Date.parse("2026-11-20T13:21:07.441Z")],
      ["7512", "0e7c4a1b-2f3d-4e5a-9b8c-7d6e5f4a3b2c", Date.parse("2026-11-20T13:21:07.441Z")],
    ]);
  });

  it("keeps apart an alerted process without a creation time and the row of the same process id", () => {
    const noTime = mdeAlert({
      entities: (entities) => {
        delete entity(entities, "8").CreationTimeUtc;
        delete entity(entities, "8").CreatedTimeUtc;
      },
    });
    const { records } = correlate("precise", { alerts: [noTime], processes: [cmd] }, [request("10:15:31")]);
    const cmds = records.filter((r) => r.ProcessId === "7340");
    expect(cmds.map((r) => r.ProcessSource).sort()).toEqual(["DeviceProcessEvents", "SecurityAlert"]);
    expect(new Set(cmds.map((r) => r.RecordId)).size).toBe(2);
  });

  it("applies the precise time and rarity rules unchanged", () => {
    const early = command(7604, "10:13:00", "cmd.exe /c net user");
    expect(correlate("precise", { processes: [early] }, [request("10:15:31")]).records).toEqual([]);
    const popular = [request("10:15:31"), ...visitors("/uploads/help.aspx", 3, "09:00:00")];
    expect(correlate("precise", { processes: [cmd] }, popular).records).toEqual([]);
  });

  it("reads no DeviceProcessEvents in compat, which reproduces the alert-only query", () => {
    expect(correlate("compat", { processes: [cmd] }, [request("10:15:31")]).records).toEqual([]);
  });

  it("leaves out rows outside the run's range", () => {
    const range = { from: at("11:00:00"), to: at("12:00:00") };
    expect(correlate("precise", { processes: [cmd] }, [request("10:15:31")], {}, range).records).toEqual([]);
  });
});

describe("which rows are web-shell processes", () => {
  it("takes children and grandchildren of the worker, not processes of other parents", () => {
    const whoami = childOf(cmd, { FileName: "whoami.exe", ProcessId: 7388, time: "10:15:30.700" });
    const interactive = deviceProcess({
      InitiatingProcessFileName: "explorer.exe",
      InitiatingProcessParentFileName: "userinit.exe",
    });
    const { records } = correlate("precise", { processes: [whoami, interactive] }, [request("10:15:31")]);
    expect(records.map((r) => [r.ProcessName, r.ParentProcessName])).toEqual([["whoami.exe", "cmd.exe"]]);
  });

  it("takes the worker's case as Defender writes it, and not the worker itself", () => {
    const upper = deviceProcess({ InitiatingProcessFileName: "W3WP.EXE" });
    const worker = deviceProcess({
      FileName: "w3wp.exe",
      InitiatingProcessFileName: "w3wp.exe",
      ProcessId: 4999,
    });
    const { records } = correlate("precise", { processes: [upper, worker] }, [request("10:15:31")]);
    expect(records.map((r) => r.ProcessId)).toEqual(["7340"]);
  });

  it(`links deeper descendants through their initiating process, ${MAX_LINKED_GENERATIONS} generations below a grandchild, in any order`, () => {
    const chain: DeviceProcessRow[] = [cmd];
    const images = ["powershell.exe", "net.exe", "net1.exe", "rundll32.exe", "notepad.exe"];
    images.forEach((image, i) => {
      chain.push(
        childOf(chain.at(-1)!, { FileName: image, ProcessId: 8000 + i, time: `10:15:3${i + 1}.000` }),
      );
    });
    const requests = [request("10:15:36", { TimeTaken: 6000 })];
    const found = (rows: DeviceProcessRow[]) =>
      correlate("precise", { processes: rows }, requests).records.map((r) => r.ProcessName);
    const expected = ["cmd.exe", "powershell.exe", "net.exe", "net1.exe", "rundll32.exe"];
    expect(found(chain)).toEqual(expected);
    expect(found([...chain].reverse())).toEqual(expected);
  });

  it("does not link rows of another device, or a parent with another creation time", () => {
    const powershell = childOf(cmd, { FileName: "powershell.exe", ProcessId: 8000, time: "10:15:30.900" });
    const rows = [
      powershell,
      childOf(
        powershell,
        { FileName: "net.exe", ProcessId: 8100, time: "10:15:31" },
        {
          DeviceId: "0000000000000000000000000000000000000001",
        },
      ),
      childOf(
        powershell,
        { FileName: "net.exe", ProcessId: 8101, time: "10:15:31" },
        {
          InitiatingProcessCreationTime: "2026-11-20T10:15:30.901Z",
        },
      ),
    ];
    const { records } = correlate("precise", { processes: rows }, [request("10:15:31")]);
    expect(records.map((r) => r.ProcessName)).toEqual(["powershell.exe"]);
  });
});

describe("benign children of IIS", () => {
  const conhost = childOf(cmd, {
    FileName: "conhost.exe",
    ProcessId: 7344,
    time: "10:15:30.530",
    ProcessCommandLine: "\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1",
  });
  const csc = command(7900, "10:15:30.800", 'csc.exe /noconfig /fullpaths @"C:\\Windows\\TEMP\\x.cmdline"');
  const cvtres = childOf(csc, { FileName: "cvtres.exe", ProcessId: 7910, time: "10:15:30.950" });

  it("leaves out console hosts and the ASP.NET compilers, and counts them per image", () => {
    const result = correlate("precise", { processes: [cmd, conhost, csc, cvtres] }, [request("10:15:31")]);
    expect(result.records.map((r) => r.ProcessName)).toEqual(["cmd.exe"]);
    expect([...result.processes.benignExcluded]).toEqual([
      ["conhost.exe", 1],
      ["csc.exe", 1],
      ["cvtres.exe", 1],
    ]);
    expect(result.processes).toMatchObject({ alertOnly: 0, deviceOnly: 1, both: 0 });
  });

  it("judges a benign-named process's children on their own image", () => {
    const renamed = childOf(conhost, { FileName: "rundll32.exe", ProcessId: 7350, time: "10:15:30.600" });
    const { records } = correlate("precise", { processes: [cmd, conhost, renamed] }, [request("10:15:31")]);
    expect(records.map((r) => r.ProcessName)).toEqual(["cmd.exe", "rundll32.exe"]);
  });

  it("keeps a benign image that an alert names", () => {
    const alerted = mdeAlert({
      entities: (entities) => {
        entity(entities, "9").Name = "csc.exe";
      },
    });
    const row = deviceProcess({ FileName: "csc.exe" });
    const { records } = correlate("precise", { alerts: [alerted], processes: [row] }, [request("10:15:31")]);
    expect(records.map((r) => [r.ProcessName, r.ProcessSource])).toContainEqual([
      "csc.exe",
      "SecurityAlert,DeviceProcessEvents",
    ]);
  });

  it("takes the configured list, and none when it is empty", () => {
    const rows = [cmd, conhost];
    const none = correlate("precise", { processes: rows }, [request("10:15:31")], { benignChildren: [] });
    expect(none.records.map((r) => r.ProcessName)).toEqual(["cmd.exe", "conhost.exe"]);
    const custom = correlate("precise", { processes: rows }, [request("10:15:31")], {
      benignChildren: ["CMD.EXE"],
    });
    expect(custom.records.map((r) => r.ProcessName)).toEqual(["conhost.exe"]);
    expect([...custom.processes.benignExcluded]).toEqual([["CMD.EXE", 1]]);
  });
});

describe("hosts", () => {
  it("matches the device's short name to IIS host names ignoring case", () => {
    const upper = deviceProcess({ DeviceName: "WEB01.CONTOSO.LOCAL" });
    const { records } = correlate("precise", { processes: [upper] }, [
      request("10:15:31", { sComputerName: "Web01" }),
    ]);
    expect(records.map((r) => [r.HostName, r.DnsDomain])).toEqual([["web01", "contoso.local"]]);
  });

  it("matches rows that carry only s-ip when an alert of the run gives the device's addresses", () => {
    const noName = request("10:16:41", { sComputerName: "", Computer: "" });
    const rows = { processes: [secondCommand] };
    expect(correlate("precise", rows, [noName]).records).toEqual([]);
    const withAlert = correlate("precise", { ...rows, alerts: [mdeAlert()] }, [noName]).records;
    expect(withAlert.map((r) => r.ProcessCommandLine)).toEqual(["cmd.exe /c net user"]);
  });
});
